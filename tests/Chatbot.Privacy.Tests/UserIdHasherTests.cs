using System.Security.Cryptography;
using System.Text;

namespace Chatbot.Privacy.Tests;

public sealed class UserIdHasherTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("a-test-key-that-is-32-bytes-long!");

    [Fact]
    public void The_hash_is_the_documented_HMAC_of_site_and_id_and_stable_across_instances()
    {
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes("pk_site\ncustomer-1001")));

        Assert.Equal(expected, new UserIdHasher(Key).Hash("pk_site", "customer-1001"));
        Assert.Equal(expected, new UserIdHasher(Key).Hash("pk_site", "customer-1001"));
        Assert.Matches("^[0-9a-f]{64}$", expected);
    }

    [Fact]
    public void Another_site_or_another_key_gives_an_unrelated_hash()
    {
        var hasher = new UserIdHasher(Key);
        var other = new UserIdHasher(Encoding.UTF8.GetBytes("another-test-key-that-is-32-bytes"));

        Assert.NotEqual(hasher.Hash("pk_a", "customer-1001"), hasher.Hash("pk_b", "customer-1001"));
        Assert.NotEqual(hasher.Hash("pk_a", "customer-1001"), other.Hash("pk_a", "customer-1001"));
        Assert.DoesNotContain("customer", hasher.Hash("pk_a", "customer-1001"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_key_is_refused() =>
        Assert.Throws<ArgumentException>(() => new UserIdHasher(new byte[UserIdHasher.MinimumKeyBytes - 1]));
}
