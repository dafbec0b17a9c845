using System.Text.Json.Nodes;
using CloudWg.EdgeAgent.Nftables;
using CloudWg.Protocol.DesiredStates;

namespace CloudWg.EdgeAgent.Tests.Nftables;

/// <summary>libnftables against the real kernel, each test in its own network namespace.</summary>
[Trait("Category", "Privileged")]
public sealed class NftablesPrivilegedTests : IDisposable
{
    private const string ForeignTables = """
        table inet filter {
            chain input {
                type filter hook input priority filter; policy accept;
                ct state established,related accept
                tcp dport 22 counter accept comment "ufw-like ssh"
            }
        }
        table ip nat {
            chain postrouting {
                type nat hook postrouting priority srcnat; policy accept;
                oifname "eth0" masquerade
            }
        }
        """;

    private readonly NetworkNamespace _ns = NetworkNamespace.Create("cwg-nft");

    public void Dispose() => _ns.Dispose();

    [Fact]
    public void Apply_then_drift_check_is_clean()
    {
        var report = InNamespace(driver =>
        {
            driver.Apply(NftablesRendererTests.SampleSpec(), NftablesRendererTests.SampleContext());
            return driver.CheckDrift(NftablesRendererTests.SampleSpec(), NftablesRendererTests.SampleContext());
        });

        Assert.False(report.HasDrift, report.ToString());
    }

    [Fact]
    public void Foreign_tables_are_byte_identical_after_every_apply()
    {
        var loaded = Cli.RunWithInput("ip", ForeignTables, "netns", "exec", _ns.Name, "nft", "-f", "-");
        Assert.True(loaded.ExitCode == 0, loaded.Stderr);
        var before = ForeignObjects();
        Assert.Contains("ufw-like ssh", before, StringComparison.Ordinal);

        var context = NftablesRendererTests.SampleContext();
        var other = new FirewallSpec(new FirewallPolicies(FirewallAction.Accept, FirewallAction.Drop, FirewallAction.Drop), []);
        InNamespace(driver =>
        {
            driver.Apply(NftablesRendererTests.SampleSpec(), context);
            Assert.Equal(before, ForeignObjects());
            driver.Apply(other, context);
            Assert.Equal(before, ForeignObjects());
            driver.Apply(NftablesRendererTests.SampleSpec(), context);
            Assert.Equal(before, ForeignObjects());
            _ns.ExecChecked("nft", "delete", "table", "inet", "cloudwg");
            Assert.True(driver.Reconcile(other, context).HasDrift);
            Assert.Equal(before, ForeignObjects());
            return 0;
        });
    }

    [Fact]
    public void A_rule_added_by_hand_is_reported_and_removed()
    {
        var (spec, context) = (NftablesRendererTests.SampleSpec(), NftablesRendererTests.SampleContext());
        InNamespace(driver =>
        {
            driver.Apply(spec, context);
            _ns.ExecChecked("nft", "add", "rule", "inet", "cloudwg", "wg-input", "tcp", "dport", "9999", "accept");

            var report = driver.Reconcile(spec, context);

            var finding = Assert.Single(report.Differences);
            Assert.Contains("chain wg-input: unexpected rule", finding, StringComparison.Ordinal);
            Assert.Contains("9999", finding, StringComparison.Ordinal);
            Assert.False(driver.CheckDrift(spec, context).HasDrift);
            Assert.DoesNotContain("9999", _ns.ExecChecked("nft", "list", "table", "inet", "cloudwg"), StringComparison.Ordinal);
            return 0;
        });
    }

    [Fact]
    public void A_deleted_table_is_reported_and_recreated()
    {
        var (spec, context) = (NftablesRendererTests.SampleSpec(), NftablesRendererTests.SampleContext());
        InNamespace(driver =>
        {
            driver.Apply(spec, context);
            _ns.ExecChecked("nft", "delete", "table", "inet", "cloudwg");

            var report = driver.Reconcile(spec, context);

            Assert.Equal(["table inet cloudwg is missing"], report.Differences);
            Assert.False(driver.CheckDrift(spec, context).HasDrift);
            return 0;
        });
    }

    [Fact]
    public void Edited_sets_rules_and_policies_are_reported_with_what_changed()
    {
        var (spec, context) = (NftablesRendererTests.SampleSpec(), NftablesRendererTests.SampleContext());
        InNamespace(driver =>
        {
            driver.Apply(spec, context);
            var listing = driver.ReadTable()!;
            var setName = (string)listing["nftables"]!.AsArray().Single(o => o?["set"] is not null)!["set"]!["name"]!;
            var policyHandle = RuleHandle(listing, "wg-input", "cloudwg:policy");
            var sshHandle = RuleHandle(listing, "wg-input", "rule:ssh");
            _ns.ExecChecked("nft", "add", "element", "inet", "cloudwg", setName, "{ 203.0.113.0/24 }");
            _ns.ExecChecked("nft", "replace", "rule", "inet", "cloudwg", "wg-input", "handle", policyHandle.ToString(System.Globalization.CultureInfo.InvariantCulture), "counter", "accept", "comment", "\"cloudwg:policy\"");
            _ns.ExecChecked("nft", "delete", "rule", "inet", "cloudwg", "wg-input", "handle", sshHandle.ToString(System.Globalization.CultureInfo.InvariantCulture));

            var report = driver.Reconcile(spec, context);

            Assert.Contains($"set {setName} was modified (elements added: [203.0.113.0/24], missing: [])", report.Differences);
            Assert.Contains(report.Differences, d => d.StartsWith("chain wg-input: rule \"cloudwg:policy\"", StringComparison.Ordinal) && d.EndsWith("was modified", StringComparison.Ordinal));
            Assert.Contains("chain wg-input: rule \"rule:ssh\" is missing", report.Differences);
            Assert.False(driver.CheckDrift(spec, context).HasDrift);
            return 0;
        });
    }

    [Fact]
    public void A_batch_that_fails_changes_nothing()
    {
        var (spec, context) = (NftablesRendererTests.SampleSpec(), NftablesRendererTests.SampleContext());
        InNamespace(driver =>
        {
            driver.Apply(spec, context);
            var before = _ns.ExecChecked("nft", "-j", "list", "ruleset");

            // A valid replacement batch whose very last command fails in the kernel (jump to a missing chain).
            var batch = NftablesRenderer.Build(new FirewallSpec(spec.Policies, []), context);
            batch["nftables"]!.AsArray().Add((JsonNode)new JsonObject
            {
                ["add"] = new JsonObject
                {
                    ["rule"] = new JsonObject
                    {
                        ["family"] = "inet",
                        ["table"] = "cloudwg",
                        ["chain"] = "wg-input",
                        ["expr"] = new JsonArray((JsonNode)new JsonObject { ["jump"] = new JsonObject { ["target"] = "does-not-exist" } }),
                    },
                },
            });
            using var session = new NftablesSession();
            var error = Assert.Throws<NftablesException>(() => session.Run(batch.ToJsonString()));

            Assert.Contains("No such file or directory", error.Message, StringComparison.Ordinal);
            Assert.Equal(before, _ns.ExecChecked("nft", "-j", "list", "ruleset"));
            Assert.False(driver.CheckDrift(spec, context).HasDrift);
            return 0;
        });
    }

    private T InNamespace<T>(Func<NftablesDriver, T> action) => _ns.Run(() =>
    {
        using var driver = new NftablesDriver();
        return action(driver);
    });

    /// <summary>Every object of `nft -j list ruleset` that is not ours, serialised in listing order.</summary>
    private string ForeignObjects()
    {
        var listing = JsonNode.Parse(_ns.ExecChecked("nft", "-j", "list", "ruleset"))!;
        var foreign = listing["nftables"]!.AsArray()
            .Where(o => o?["metainfo"] is null)
            .Where(o =>
            {
                var body = o!.AsObject().First().Value!;
                var table = (string?)(body["table"] ?? body["name"]);
                return !((string?)body["family"] == "inet" && table == "cloudwg");
            })
            .Select(o => o!.ToJsonString());
        return string.Join("\n", foreign);
    }

    private static long RuleHandle(JsonNode listing, string chain, string comment) =>
        (long)listing["nftables"]!.AsArray()
            .Select(o => o?["rule"])
            .First(r => r is not null && (string?)r["chain"] == chain && (string?)r["comment"] == comment)!["handle"]!;
}
