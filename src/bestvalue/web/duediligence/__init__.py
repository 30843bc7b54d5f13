"""Due diligence in the web app: the UNGP gap analysis (versioned), the model policy, tender
packages and the economic case, each thin over ``bestvalue.duediligence`` and
``bestvalue.economics``."""
