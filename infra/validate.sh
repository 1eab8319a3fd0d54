#!/usr/bin/env bash
# Offline checks of the Azure deployment files; nothing is deployed and no Azure login is needed.
#
#   bash infra/validate.sh        (after `npm ci` at the repository root)
#
#  1. Installs the Bicep CLI from NuGet (Azure.Bicep.CommandLine.linux-x64, pinned in
#     infra/tools/BicepTool.csproj) with `dotnet restore`.
#  2. Compiles infra/main.bicep and infra/main.bicepparam; any Warning or Error diagnostic fails
#     (linter rules count: see infra/bicepconfig.json).
#  3. Validates every workflow in .github/workflows/ with action-validator (npm devDependency).
#
# Exits non-zero on the first problem, saying which.
set -euo pipefail

BICEP_PACKAGE=azure.bicep.commandline.linux-x64
BICEP_VERSION=0.49.2

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

fail() {
  echo "infra: FAILED: $*" >&2
  exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---- 1. Bicep CLI ----
if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  fail "the Bicep CLI package used here is for linux-x64; this machine is $(uname -s)-$(uname -m)"
fi
command -v dotnet >/dev/null || fail "dotnet is not installed (needed to restore the Bicep CLI from NuGet)"
command -v node >/dev/null || fail "node is not installed (needed for action-validator and JSON checks)"

# The same pin lives in the csproj; keep them together.
grep -q "Include=\"Azure.Bicep.CommandLine.linux-x64\" Version=\"\[$BICEP_VERSION\]\"" infra/tools/BicepTool.csproj \
  || fail "infra/tools/BicepTool.csproj does not pin Azure.Bicep.CommandLine.linux-x64 [$BICEP_VERSION] (update both places)"

if ! dotnet restore infra/tools/BicepTool.csproj --nologo -v quiet >"$work/restore.log" 2>&1; then
  cat "$work/restore.log" >&2
  fail "dotnet restore infra/tools/BicepTool.csproj"
fi

packages=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')
packages=${packages%/}
[[ -n "$packages" ]] || fail "cannot find the NuGet global packages folder (dotnet nuget locals global-packages --list)"
bicep="$packages/$BICEP_PACKAGE/$BICEP_VERSION/tools/bicep"
[[ -f "$bicep" ]] || fail "the restore did not produce $bicep"
chmod +x "$bicep"
"$bicep" --version | grep -q "$BICEP_VERSION" || fail "$bicep is not Bicep $BICEP_VERSION"

# ---- 2. Bicep build ----
# Diagnostics go to stderr as "<file>(line,col) : <Level> <code>: <message>". Info-level lines are shown but
# do not fail (use-recent-api-versions is Info: it depends on today's date, and CI must not turn red by itself).
check_bicep() {
  local what=$1
  shift
  local rc=0
  "$@" >"$work/out.json" 2>"$work/diag.txt" || rc=$?
  if [[ -s "$work/diag.txt" ]]; then
    cat "$work/diag.txt" >&2
  fi
  if ((rc != 0)); then
    fail "$what: bicep exited with $rc"
  fi
  if grep -Eq '\) : (Warning|Error) |^(Warning|Error)\b' "$work/diag.txt"; then
    fail "$what: bicep reported warnings or errors (listed above)"
  fi
  node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$work/out.json" \
    || fail "$what: bicep did not print valid JSON"
}

check_bicep "bicep build infra/main.bicep" "$bicep" build infra/main.bicep --stdout
cp "$work/out.json" "$work/main.json"
# The parameters file reads secrets from environment variables: compile it without them, and never print
# its output.
check_bicep "bicep build-params infra/main.bicepparam" \
  env -u HH_CLIENT_SECRET -u TELEGRAM_BOT_TOKEN -u TELEGRAM_WEBHOOK_SECRET \
  "$bicep" build-params infra/main.bicepparam --stdout

# What the isolated worker app needs from the template (see the header of infra/main.bicep):
#  - the Flex runtime block names dotnet-isolated 10.0 (FUNCTIONS_WORKER_RUNTIME is derived from it, and Flex
#    rejects it, like FUNCTIONS_EXTENSION_VERSION, as an app setting);
#  - the timer bindings read %Bump__Schedule% and %Search__Schedule%: both are always set;
#  - on-demand runs go through a storage queue: AzureWebJobsStorage__accountName is set and the app's identity holds
#    Storage Queue Data Contributor (974c5e8b-45b9-4653-ba55-5f855dd0fb88).
template_problems=$(node -e '
  const t = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const problems = [];
  const settings = t.resources.filter(r => r.type === "Microsoft.Web/sites/config" && r.name.includes("appsettings"));
  const settingsText = JSON.stringify(settings.map(r => r.properties));
  for (const name of ["Bump__Schedule", "Search__Schedule", "AzureWebJobsStorage__accountName"]) {
    if (!settingsText.includes(name)) problems.push(`the app settings do not set ${name}`);
  }
  for (const name of ["FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION"]) {
    if (settingsText.includes(name)) problems.push(`the app settings set ${name}: Flex Consumption rejects it (functionAppConfig.runtime sets it)`);
  }
  const sites = t.resources.filter(r => r.type === "Microsoft.Web/sites");
  const runtime = sites.map(r => r.properties?.functionAppConfig?.runtime).find(x => x);
  if (!runtime || runtime.name !== "dotnet-isolated" || runtime.version !== "10.0") {
    problems.push(`functionAppConfig.runtime is ${JSON.stringify(runtime)}, expected {"name":"dotnet-isolated","version":"10.0"}`);
  }
  // Role ids sit in the roles variable; an assignment names them as variables('roles').<key> (or inline).
  const queueRole = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
  const keys = Object.entries(t.variables?.roles ?? {}).filter(([, v]) => v === queueRole).map(([k]) => `.${k})`);
  const queueAssignments = t.resources.filter(r => r.type === "Microsoft.Authorization/roleAssignments"
    && [queueRole, ...keys].some(k => String(r.properties?.roleDefinitionId).includes(k))
    && String(r.scope).includes("Microsoft.Storage/storageAccounts"));
  if (queueAssignments.length === 0) problems.push("no Storage Queue Data Contributor role assignment on the storage account");
  console.log(problems.join("\n"));
' "$work/main.json") || fail "could not inspect the compiled infra/main.bicep"
[[ -z "$template_problems" ]] || fail "infra/main.bicep: $template_problems"

# ---- 3. GitHub workflows ----
validator="$root/node_modules/.bin/action-validator"
[[ -x "$validator" ]] || fail "action-validator is not installed: run 'npm ci' at the repository root first"

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
shopt -u nullglob
for wf in "${workflows[@]}"; do
  if ! npx --no-install action-validator "$wf" >"$work/wf.log" 2>&1; then
    cat "$work/wf.log" >&2
    fail "action-validator $wf"
  fi
done

# deploy.yml deploys only after both the build (every test) and the real Functions host test have passed.
deploy_needs=$(awk '/^  deploy:/ {in_job=1; next} in_job && /^  [A-Za-z0-9_-]+:/ {in_job=0} in_job && /^    needs:/ {print; exit}' .github/workflows/deploy.yml)
for job in build functions-host; do
  grep -qE "(\[|,|needs:) *$job *(\]|,|$)" <<<"$deploy_needs" \
    || fail "deploy.yml: the deploy job must wait for '$job' (found '${deploy_needs:-no needs}'; expected needs: [build, functions-host])"
done
grep -qE '^ +uses: \./\.github/workflows/functions-host\.yml' .github/workflows/deploy.yml \
  || fail "deploy.yml: no functions-host job running .github/workflows/functions-host.yml"

echo "infra: bicep ok, ${#workflows[@]} workflows ok"
