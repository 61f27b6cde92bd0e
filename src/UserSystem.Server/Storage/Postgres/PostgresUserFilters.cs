using Npgsql;
using NpgsqlTypes;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage.Postgres;

/// <summary>
/// The keyset listing's SQL, one statement per combination of filters, each naming only the
/// conditions it applies. A catch-all form (<c>@status IS NULL OR status = @status</c>) plans
/// once for every combination, so no index fits it; one statement per form lets each use its
/// index (migration 7): status walks <c>users_status_id</c> in id order, and a constant prefix of
/// <c>starts_with</c> becomes a range of <c>users_email_key</c> or <c>users_name_prefix</c>, read
/// in the two bounded steps of <see cref="PrefixSql"/>.
/// </summary>
/// <remarks>
/// Only a plan made for the filter's value uses its index: the store's statements are prepared
/// (Max Auto Prepare), and PostgreSQL may switch a prepared statement to its generic plan, which
/// walks the primary key and filters (0.63 s at 1,000,000 users for a status only the newest ten
/// have; a prefix cannot use its index at all without its value). A filtered form therefore runs
/// after <see cref="PlanSettingsSql"/> in the same round trip and transaction (the planning costs
/// about 0.1 ms); the unfiltered form, StreamUsers' path, plans the same for any value and keeps
/// its cached plan.
/// </remarks>
internal static class PostgresUserFilters
{
    private const int StatusBit = 1, EmailBit = 2, NameBit = 4;

    /// <summary>
    /// How many users in id order a prefix form filters before it reads its matches by the prefix
    /// index instead: enough to fill a page of up to 100 where more than one user in ten matches,
    /// about 1.5 ms of reading at any table size (docs/decisions/flat-reads.md).
    /// </summary>
    internal const int WalkRows = 1000;

    private static readonly string[] Statements = [.. Enumerable.Range(0, 8).Select(Build)];

    /// <summary>
    /// For this transaction only: plan each statement for its parameters' values; no sequential
    /// scan, where each form has an index that bounds what it reads; and no JIT, whose compiling
    /// (25 ms measured) the costs of a prefix form's unrun branch would otherwise bring on.
    /// </summary>
    public const string PlanSettingsSql = "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true);";

    /// <summary>Users with ids above <c>@after</c> that match, in id order, at most <c>@limit</c>.</summary>
    public static string ListAfterSql(UserFilter filter) => Statements[FormOf(filter)];

    /// <summary>Adds the listing to an empty batch; its users are the batch's last result (see the remarks).</summary>
    public static NpgsqlBatch AddListAfter(NpgsqlBatch batch, int afterId, int limit, UserFilter filter)
    {
        if (FormOf(filter) != 0)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(PlanSettingsSql));
        }

        var list = new NpgsqlBatchCommand(ListAfterSql(filter))
        {
            Parameters = { new NpgsqlParameter<int>("after", afterId), new NpgsqlParameter<int>("limit", limit) },
        };
        AddParameters(list.Parameters, filter);
        batch.BatchCommands.Add(list);
        return batch;
    }

    private static void AddParameters(NpgsqlParameterCollection parameters, UserFilter filter)
    {
        if (filter.Status is { } status)
        {
            parameters.Add(new NpgsqlParameter<int>("status", (int)status));
        }

        if (filter.EmailKeyPrefix is { } emailKeyPrefix)
        {
            parameters.Add(new NpgsqlParameter("email_key_prefix", NpgsqlDbType.Text) { Value = emailKeyPrefix });
        }

        if (filter.NamePrefix is { } namePrefix)
        {
            parameters.Add(new NpgsqlParameter("name_prefix", NpgsqlDbType.Text) { Value = namePrefix });
        }
    }

    private static int FormOf(UserFilter filter) =>
        (filter.Status is null ? 0 : StatusBit) | (filter.EmailPrefix is null ? 0 : EmailBit) | (filter.NamePrefix is null ? 0 : NameBit);

    private static string Build(int form)
    {
        var conditions = new List<string>();
        if ((form & StatusBit) != 0)
        {
            conditions.Add("status = @status");
        }

        // COLLATE "C" matches the prefix indexes: byte order, in which a prefix is one range.
        if ((form & EmailBit) != 0)
        {
            conditions.Add("starts_with(email_key COLLATE \"C\", @email_key_prefix)");
        }

        if ((form & NameBit) != 0)
        {
            conditions.Add("starts_with(name COLLATE \"C\", @name_prefix)");
        }

        return (form & (EmailBit | NameBit)) == 0
            ? $"SELECT {UserRowReader.Columns} FROM users WHERE {string.Join(" AND ", conditions.Prepend("id > @after"))} ORDER BY id LIMIT @limit;"
            : PrefixSql(string.Join(" AND ", conditions));
    }

    /// <summary>
    /// A prefix form, in two steps whose choice no statistics can turn. First the next
    /// <see cref="WalkRows"/> users in id order (the primary key), filtered: when they hold a full
    /// page, or are the last users, that is the page. Otherwise every match after <c>@after</c> is
    /// read by the prefix index, then ordered by id: bounded by the number of matches. The branch
    /// not taken is not run (a one-time filter).
    /// </summary>
    /// <remarks>
    /// With <c>ORDER BY id LIMIT</c> alone the planner expects the matches spread evenly through
    /// the ids and walks the whole primary key when they are the newest (564 ms p99 at 1,000,000
    /// users). The matches step is a materialized CTE because the planner makes it for all its rows
    /// (behind <c>OFFSET 0</c> the outer LIMIT still reached it), and its id bound is written
    /// <c>id + 0</c> so that it is no range of the primary key: the planner preferred 400,000 users
    /// in id order to 111,111 matches by the email index.
    /// </remarks>
    private static string PrefixSql(string matches) => $"""
        WITH walk AS MATERIALIZED (
            SELECT id, name, email_key, status FROM users WHERE id > @after ORDER BY id LIMIT {WalkRows}
        ), near AS MATERIALIZED (
            SELECT id FROM walk WHERE {matches} ORDER BY id LIMIT @limit
        ), settled AS MATERIALIZED (
            SELECT (SELECT count(*) FROM near) = @limit OR (SELECT count(*) FROM walk) < {WalkRows} AS yes
        ), far AS MATERIALIZED (
            SELECT id FROM users WHERE {matches} AND id + 0 > @after
        ), page AS (
            SELECT id FROM near WHERE (SELECT yes FROM settled)
            UNION ALL
            (SELECT id FROM far WHERE NOT (SELECT yes FROM settled) ORDER BY id LIMIT @limit)
        )
        SELECT {UserRowReader.Columns} FROM users WHERE id IN (SELECT id FROM page) ORDER BY id;
        """;
}
