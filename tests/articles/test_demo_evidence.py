import copy

from campaign.articles.demo.loader import evidence_problems, read_evidence


def test_demo_evidence_file_has_every_field_and_every_reference_resolves():
    assert evidence_problems(read_evidence()) == []


def test_evidence_problems_name_a_missing_field():
    data = copy.deepcopy(read_evidence())
    del data["documents"][0]["summary"]
    del data["wins"][1]["documents"]
    assert evidence_problems(data) == ["documents[0]: missing summary", "wins[1]: missing documents"]


def test_evidence_problems_name_a_reference_the_file_does_not_define():
    data = copy.deepcopy(read_evidence())
    data["documents"][0]["publisher"] = "nobody"
    data["figures"][0]["deployment"] = "nowhere"
    data["citations"][0]["documents"].append("no-such-document")
    assert evidence_problems(data) == [
        "documents[0]: no publishers 'nobody'",
        "figures[0]: no deployments 'nowhere'",
        "citations[0]: no documents 'no-such-document'",
    ]


def test_evidence_problems_name_an_unknown_choice_and_an_unreadable_date():
    data = copy.deepcopy(read_evidence())
    data["events"][0]["precision"] = "decade"
    data["wins"][0]["date"] = "2019"
    data["links"][0]["relation"] = "likes"
    problems = evidence_problems(data)
    assert "events[0]: unknown precision 'decade'" in problems
    assert "wins[0]: unreadable date '2019'" in problems
    assert "links[0]: unknown relation 'likes'" in problems


def test_evidence_problems_name_a_summary_in_a_language_the_site_does_not_have():
    data = copy.deepcopy(read_evidence())
    data["documents"][0]["summaries"] = {"it": "Un riassunto."}
    assert evidence_problems(data) == ["documents[0]: summary in 'it', not one of the site's languages"]
