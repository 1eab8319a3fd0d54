namespace HhFunctions.Testing;

/// <summary>
/// Look-ups by id over <see cref="FakeHhEmployer.Resumes"/> and <see cref="FakeHhEmployer.Negotiations"/>. The lists stay
/// the fake's record (tests read them); the index follows them and is rebuilt whenever a list's length is not the one
/// it was built from, so an item added straight to a list is found too. Without it every request scanned every
/// negotiation, and a 20,000-response day at the fake cost time that grew with the square of the responses.
/// Callers hold the fake's lock.
/// </summary>
public sealed partial class FakeHhEmployer
{
    private readonly Dictionary<string, FakeEmployerResume> _resumeById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeEmployerNegotiation> _topicById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<FakeEmployerNegotiation>> _topicsByVacancy = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<FakeEmployerNegotiation>> _topicsByResume = new(StringComparer.Ordinal);
    private int _indexedResumes;
    private int _indexedTopics;

    /// <summary>The first resume with this id, like <c>Resumes.FirstOrDefault(r => r.Id == id)</c>.</summary>
    private FakeEmployerResume? ResumeById(string id)
    {
        IndexResumes();
        return _resumeById.GetValueOrDefault(id);
    }

    /// <summary>The first negotiation with this id, like <c>Negotiations.FirstOrDefault(n => n.Id == id)</c>.</summary>
    private FakeEmployerNegotiation? TopicById(string id)
    {
        IndexTopics();
        return _topicById.GetValueOrDefault(id);
    }

    /// <summary>The vacancy's negotiations, removed ones included, in the order they were added.</summary>
    private IReadOnlyList<FakeEmployerNegotiation> TopicsOfVacancy(string vacancyId)
    {
        IndexTopics();
        return _topicsByVacancy.TryGetValue(vacancyId, out var list) ? list : [];
    }

    /// <summary>The resume's negotiations, removed ones included, in the order they were added.</summary>
    private IReadOnlyList<FakeEmployerNegotiation> TopicsOfResume(string resumeId)
    {
        IndexTopics();
        return _topicsByResume.TryGetValue(resumeId, out var list) ? list : [];
    }

    private void IndexResumes()
    {
        if (_indexedResumes > Resumes.Count)
        {
            _resumeById.Clear();
            _indexedResumes = 0;
        }

        for (; _indexedResumes < Resumes.Count; _indexedResumes++)
        {
            var r = Resumes[_indexedResumes];
            _resumeById.TryAdd(r.Id, r);
        }
    }

    private void IndexTopics()
    {
        if (_indexedTopics > Negotiations.Count)
        {
            _topicById.Clear();
            _topicsByVacancy.Clear();
            _topicsByResume.Clear();
            _indexedTopics = 0;
        }

        for (; _indexedTopics < Negotiations.Count; _indexedTopics++)
        {
            var n = Negotiations[_indexedTopics];
            _topicById.TryAdd(n.Id, n);
            Append(_topicsByVacancy, n.VacancyId, n);
            Append(_topicsByResume, n.ResumeId, n);
        }

        static void Append(Dictionary<string, List<FakeEmployerNegotiation>> index, string key, FakeEmployerNegotiation n)
        {
            if (!index.TryGetValue(key, out var list))
            {
                index[key] = list = [];
            }

            list.Add(n);
        }
    }
}
