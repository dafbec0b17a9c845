using CloudWg.Protocol.Acceptance;

namespace CloudWg.Protocol.Tests.Acceptance;

public sealed class AcceptanceRuleTests
{
    private static AcceptanceDecision Decide(int schema = 1, string nodeId = "node-fra-1", long version = 42, string me = "node-fra-1", long? last = 41) =>
        AcceptanceRule.Decide(TestData.Golden() with { Schema = schema, NodeId = nodeId, Version = version }, me, last);

    [Fact]
    public void Newer_version_for_this_node_is_applied() =>
        Assert.Equal(AcceptanceDecision.Apply, Decide(version: 42, last: 41));

    [Fact]
    public void Much_newer_version_is_applied_gaps_are_fine() =>
        Assert.Equal(AcceptanceOutcome.Apply, Decide(version: 1_000, last: 41).Outcome);

    [Fact]
    public void First_document_ever_is_applied() =>
        Assert.True(Decide(version: 1, last: null).ShouldApply);

    [Fact]
    public void Same_version_is_a_no_op()
    {
        var decision = Decide(version: 42, last: 42);

        Assert.Equal(AcceptanceOutcome.NoOp, decision.Outcome);
        Assert.Null(decision.Reason);
        Assert.False(decision.ShouldApply);
    }

    [Fact]
    public void Older_version_is_rejected() =>
        Assert.Equal(AcceptanceDecision.Reject(RejectReason.OlderVersion), Decide(version: 40, last: 41));

    [Fact]
    public void Another_nodes_document_is_rejected_even_when_newer() =>
        Assert.Equal(AcceptanceDecision.Reject(RejectReason.OtherNode), Decide(nodeId: "node-ams-1", version: 99));

    [Fact]
    public void Node_ids_are_compared_exactly() =>
        Assert.Equal(RejectReason.OtherNode, Decide(nodeId: "NODE-FRA-1").Reason);

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Unknown_schema_is_rejected_before_anything_else(int schema) =>
        Assert.Equal(RejectReason.UnknownSchema, Decide(schema: schema, nodeId: "other", version: 1, last: 50).Reason);

    [Fact]
    public void Other_node_is_checked_before_version() =>
        Assert.Equal(RejectReason.OtherNode, Decide(nodeId: "other", version: 1, last: 50).Reason);

    [Fact]
    public void Bad_arguments_throw()
    {
        Assert.Throws<ArgumentNullException>(() => AcceptanceRule.Decide(null!, "n", null));
        Assert.Throws<ArgumentException>(() => AcceptanceRule.Decide(TestData.Golden(), string.Empty, null));
    }
}
