using System.Globalization;

namespace HhFunctions.Pages;

/// <summary>Numbers as the pages' inline SVG charts write them: invariant, at most one decimal.</summary>
public static class Svg
{
    public static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
