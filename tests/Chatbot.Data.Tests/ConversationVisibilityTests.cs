using Chatbot.Data.Conversations;
using Chatbot.Data.Entities;
using Chatbot.Testing;
using Dongyang.Chat.Protocol;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Data.Tests;

/// <summary>
/// The ownership rule (<see cref="ConversationVisibility"/>) on a real database of each provider: for every kind of
/// caller, which of six conversations (two sites; anonymous, two verified customers, the same customer hash on the
/// other site, one from before site keys) it sees, listed and named, and that the stores answer by it.
/// </summary>
public abstract class ConversationVisibilityTests(VisibilityDatabase database)
{
    public static TheoryData<string, string, bool> NamedConversations { get; } = new()
    {
        // An anonymous caller of site S sees the anonymous conversation of S it names, and nothing else.
        { "anonymous on S", "anonymous on S", true },
        { "anonymous on S", "anonymous on T", false },
        { "anonymous on S", "customer 1 on S", false },
        { "anonymous on S", "customer 2 on S", false },
        { "anonymous on S", "customer 1 on T", false },
        { "anonymous on S", "before site keys", false },

        // A verified customer sees their own on their site, and an anonymous one of their site they name.
        { "customer 1 on S", "customer 1 on S", true },
        { "customer 1 on S", "anonymous on S", true },
        { "customer 1 on S", "customer 2 on S", false },
        { "customer 1 on S", "customer 1 on T", false },
        { "customer 1 on S", "anonymous on T", false },
        { "customer 1 on S", "before site keys", false },

        // The same customer hash on another site is another customer.
        { "customer 1 on T", "customer 1 on T", true },
        { "customer 1 on T", "customer 1 on S", false },
        { "customer 1 on T", "anonymous on S", false },

        // Staff (counsellors and operators) see every conversation.
        { "staff", "anonymous on S", true },
        { "staff", "anonymous on T", true },
        { "staff", "customer 1 on S", true },
        { "staff", "customer 2 on S", true },
        { "staff", "customer 1 on T", true },
        { "staff", "before site keys", true },
    };

    public static TheoryData<string, string[]> ListedConversations { get; } = new()
    {
        { "anonymous on S", [] },
        { "customer 1 on S", ["customer 1 on S"] },
        { "customer 2 on S", ["customer 2 on S"] },
        { "customer 1 on T", ["customer 1 on T"] },
        { "staff", ["anonymous on S", "anonymous on T", "customer 1 on S", "customer 2 on S", "customer 1 on T", "before site keys"] },
    };

    [Theory]
    [MemberData(nameof(NamedConversations))]
    public async Task A_named_conversation_is_visible_only_to_its_owner(string caller, string conversation, bool visible)
    {
        await using var context = database.CreateContext();
        var id = database.Conversation(conversation);

        var found = await context.Conversations.VisibleTo(VisibilityDatabase.Caller(caller), id).Select(c => c.Id).ToListAsync();

        Guid[] expected = visible ? [id] : [];
        Assert.Equal(expected, found);
    }

    [Theory]
    [MemberData(nameof(ListedConversations))]
    public async Task Listing_shows_a_verified_customer_only_their_own_and_an_anonymous_caller_none(string caller, string[] expected)
    {
        await using var context = database.CreateContext();

        var listed = await context.Conversations.VisibleTo(VisibilityDatabase.Caller(caller)).Select(c => c.Id).ToListAsync();

        Assert.Equal(expected.Select(database.Conversation).Order(), listed.Where(database.IsSeeded).Order());
    }

    [Theory]
    [MemberData(nameof(NamedConversations))]
    public async Task Messages_ratings_and_handoffs_follow_their_conversation(string caller, string conversation, bool visible)
    {
        await using var context = database.CreateContext();
        var id = database.Conversation(conversation);
        var named = context.Conversations.VisibleTo(VisibilityDatabase.Caller(caller), id);

        var messages = await context.Messages.In(named).Select(m => m.ConversationId).ToListAsync();
        var ratings = await context.Feedback.In(named).Select(f => f.Message!.ConversationId).ToListAsync();
        var handoffs = await context.Handoffs.In(named).Select(h => h.ConversationId).ToListAsync();

        Guid[] bothMessages = visible ? [id, id] : [];
        Guid[] one = visible ? [id] : [];
        Assert.Equal(bothMessages, messages);
        Assert.Equal(one, ratings);
        Assert.Equal(one.Select(g => (Guid?)g), handoffs);
    }

    [Fact]
    public async Task A_verified_customers_listed_messages_are_only_their_own()
    {
        await using var context = database.CreateContext();

        var messages = await context.Messages.In(context.Conversations.VisibleTo(VisibilityDatabase.Caller("customer 1 on S"))).Select(m => m.ConversationId).Distinct().ToListAsync();

        Assert.Equal([database.Conversation("customer 1 on S")], messages);
    }

    [Theory]
    [MemberData(nameof(NamedConversations))]
    public async Task The_stores_answer_by_the_rule(string caller, string conversation, bool visible)
    {
        var who = VisibilityDatabase.Caller(caller);
        var id = database.Conversation(conversation);
        var access = new ConversationAccess(database, TimeProvider.System, database.Writes);
        var store = new ConversationStore(database, TimeProvider.System, database.Writes);
        var feedback = new FeedbackStore(database, TimeProvider.System, database.Writes);

        Assert.Equal(visible, await access.CanAccessAsync(id, who, CancellationToken.None));
        Assert.Equal(visible ? 2 : 0, await access.CountMessagesAsync(id, who, CancellationToken.None));
        var history = await store.GetHistoryAsync(id, who, (request, at) => new HandoffNotice(request, at, "1588-0000", "평일"), CancellationToken.None);
        Assert.Equal(visible, history is not null);
        if (history is not null)
        {
            Assert.Equal(2, history.Messages.Count);
            Assert.Single(history.Handoffs);
        }

        if (!who.IsStaff)
        {
            // Rating again replaces the seeded rating (the same value), so the fixture stays as it was.
            Assert.Equal(visible, await feedback.SaveFeedbackAsync(database.Answer(conversation), -1, null, who, CancellationToken.None));
        }
    }

    [Theory]
    [MemberData(nameof(NamedConversations))]
    public async Task A_replayed_answer_is_read_only_from_a_visible_conversation(string caller, string conversation, bool visible)
    {
        var store = new ConversationStore(database, TimeProvider.System, database.Writes);
        var question = database.Question(conversation);

        if (visible)
        {
            Assert.Equal(database.Answer(conversation), (await store.FindOrAwaitAnswerAsync(question, VisibilityDatabase.Caller(caller), CancellationToken.None))?.Id);
        }
        else
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => store.FindOrAwaitAnswerAsync(question, VisibilityDatabase.Caller(caller), CancellationToken.None));
        }
    }

    [Theory]
    [InlineData("customer 2 on S", false)]
    [InlineData("customer 1 on T", false)]
    [InlineData("anonymous on S", false)]
    [InlineData("customer 1 on S", true)]
    public async Task Only_the_owner_deletes_a_verified_customers_conversation(string caller, bool deleted)
    {
        var access = new ConversationAccess(database, TimeProvider.System, database.Writes);
        var owner = VisibilityDatabase.Caller("customer 1 on S");
        var id = await access.StartAsync(owner, CancellationToken.None);

        Assert.Equal(deleted, await access.DeleteAsync(id, VisibilityDatabase.Caller(caller), CancellationToken.None));
        Assert.Equal(!deleted, await access.CanAccessAsync(id, owner, CancellationToken.None));
    }

    [Fact]
    public async Task A_handoff_names_only_a_conversation_the_caller_may_see()
    {
        var feedback = new FeedbackStore(database, TimeProvider.System, database.Writes);

        Assert.Null(await feedback.RecordHandoffAsync(database.Conversation("customer 1 on S"), VisibilityDatabase.Caller("customer 2 on S"), CancellationToken.None));
        Assert.Null(await feedback.RecordHandoffAsync(database.Conversation("anonymous on T"), VisibilityDatabase.Caller("anonymous on S"), CancellationToken.None));
        Assert.NotNull(await feedback.RecordHandoffAsync(null, VisibilityDatabase.Caller("anonymous on S"), CancellationToken.None));
    }
}

public sealed class SqliteConversationVisibilityTests(SqliteVisibilityDatabase database)
    : ConversationVisibilityTests(database), IClassFixture<SqliteVisibilityDatabase>;

public sealed class PostgresConversationVisibilityTests(PostgresVisibilityDatabase database)
    : ConversationVisibilityTests(database), IClassFixture<PostgresVisibilityDatabase>;

/// <summary>A migrated database with one conversation of each kind, each with a question, a rated answer and a handoff request.</summary>
public abstract class VisibilityDatabase : IDbContextFactory<ChatDbContext>, IAsyncLifetime
{
    private static readonly Dictionary<string, (string? Site, string? Customer)> Owners = new()
    {
        ["anonymous on S"] = ("pk_site_s", null),
        ["anonymous on T"] = ("pk_site_t", null),
        ["customer 1 on S"] = ("pk_site_s", "hash-customer-1"),
        ["customer 2 on S"] = ("pk_site_s", "hash-customer-2"),
        ["customer 1 on T"] = ("pk_site_t", "hash-customer-1"),
        ["before site keys"] = (null, null),
    };

    private readonly Dictionary<string, (Guid Conversation, Message Question, Guid Answer)> seeded = [];

    public DatabaseWriteGate Writes { get; } = new(serializeWrites: true);

    public static ConversationCaller Caller(string name) => name == "staff"
        ? ConversationCaller.Staff
        : ConversationCaller.Customer(Owners[name].Site!, Owners[name].Customer);

    public Guid Conversation(string name) => seeded[name].Conversation;

    public Message Question(string name) => seeded[name].Question;

    public Guid Answer(string name) => seeded[name].Answer;

    public bool IsSeeded(Guid conversationId) => seeded.Values.Any(s => s.Conversation == conversationId);

    public abstract ChatDbContext CreateContext();

    ChatDbContext IDbContextFactory<ChatDbContext>.CreateDbContext() => CreateContext();

    public async Task InitializeAsync()
    {
        await PrepareAsync();
        await using var context = CreateContext();
        await context.Database.MigrateAsync();
        var now = DateTime.UtcNow;
        foreach (var (name, (site, customer)) in Owners)
        {
            var conversation = new Conversation { Id = Guid.CreateVersion7(), SiteKey = site, UserId = customer, CreatedAtUtc = now, UpdatedAtUtc = now };
            var question = new Message { Id = Guid.CreateVersion7(), ConversationId = conversation.Id, Sequence = 1, Role = MessageRole.User, Content = $"{name}의 질문", CreatedAtUtc = now };
            var answer = new Message { Id = Guid.CreateVersion7(), ConversationId = conversation.Id, Sequence = 2, Role = MessageRole.Assistant, Content = $"{name}의 답변", ReplyToId = question.Id, CreatedAtUtc = now };
            context.Conversations.Add(conversation);
            context.Messages.AddRange(question, answer);
            context.Feedback.Add(new Feedback { Id = Guid.CreateVersion7(), MessageId = answer.Id, Rating = -1, CreatedAtUtc = now });
            context.Handoffs.Add(new Handoff { Id = Guid.CreateVersion7(), ConversationId = conversation.Id, SiteKey = site, CreatedAtUtc = now });
            seeded[name] = (conversation.Id, question, answer.Id);
        }

        await context.SaveChangesAsync();
    }

    public abstract Task DisposeAsync();

    protected abstract Task PrepareAsync();
}

public sealed class SqliteVisibilityDatabase : VisibilityDatabase
{
    private readonly string folder = Directory.CreateTempSubdirectory("chatbot-visibility-").FullName;

    public override ChatDbContext CreateContext() =>
        new SqliteChatDbContext(new DbContextOptionsBuilder<SqliteChatDbContext>().UseSqlite($"Data Source={Path.Combine(folder, "chatbot.db")};Pooling=False").Options);

    protected override Task PrepareAsync() => Task.CompletedTask;

    public override Task DisposeAsync()
    {
        Writes.Dispose();
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class PostgresVisibilityDatabase : VisibilityDatabase
{
    private string? connectionString;

    public override ChatDbContext CreateContext() =>
        new PostgresChatDbContext(new DbContextOptionsBuilder<PostgresChatDbContext>().UseNpgsql(connectionString ?? throw new InvalidOperationException("Not initialized.")).Options);

    protected override async Task PrepareAsync() => connectionString = await TestPostgres.CreateDatabaseAsync("visibility");

    public override async Task DisposeAsync()
    {
        Writes.Dispose();
        if (connectionString is not null)
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }
}
