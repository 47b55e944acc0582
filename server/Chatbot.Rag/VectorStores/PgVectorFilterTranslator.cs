using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using Chatbot.Rag.Ingestion;
using Npgsql;
using NpgsqlTypes;

namespace Chatbot.Rag.VectorStores;

/// <summary>
/// Translates a filter on <see cref="IngestedChunk"/> into a parameterised SQL condition: comparisons of a data
/// property with a value (==, !=, &lt;, &lt;=, &gt;, &gt;=), &amp;&amp;, ||, ! and <c>Contains</c> of a property in a
/// collection computed outside the record. Column names come from a fixed map; every value becomes a parameter.
/// Anything else throws <see cref="NotSupportedException"/> instead of being evaluated differently from the embedded store.
/// </summary>
internal sealed class PgVectorFilterTranslator
{
    /// <summary>The filterable and sortable columns by property; identifiers are fixed here, never taken from input.</summary>
    internal static readonly IReadOnlyDictionary<string, (string Column, NpgsqlDbType Type)> Columns = new Dictionary<string, (string, NpgsqlDbType)>(StringComparer.Ordinal)
    {
        [nameof(IngestedChunk.Key)] = ("key", NpgsqlDbType.Text),
        [nameof(IngestedChunk.DocumentId)] = ("document_id", NpgsqlDbType.Text),
        [nameof(IngestedChunk.DocumentTitle)] = ("document_title", NpgsqlDbType.Text),
        [nameof(IngestedChunk.DocumentType)] = ("document_type", NpgsqlDbType.Text),
        [nameof(IngestedChunk.Product)] = ("product", NpgsqlDbType.Text),
        [nameof(IngestedChunk.Section)] = ("section", NpgsqlDbType.Text),
        [nameof(IngestedChunk.Page)] = ("page", NpgsqlDbType.Integer),
        [nameof(IngestedChunk.Ordinal)] = ("ordinal", NpgsqlDbType.Integer),
        [nameof(IngestedChunk.Text)] = ("text", NpgsqlDbType.Text),
        [nameof(IngestedChunk.DocumentHash)] = ("document_hash", NpgsqlDbType.Text),
    };

    private readonly List<NpgsqlParameter> _parameters;
    private readonly string _prefix;
    private ParameterExpression _record = null!;

    private PgVectorFilterTranslator(List<NpgsqlParameter> parameters, string prefix)
    {
        _parameters = parameters;
        _prefix = prefix;
    }

    /// <summary>
    /// The SQL condition for <paramref name="filter"/> ("TRUE" without one); its values are appended to
    /// <paramref name="parameters"/> as <c>@{prefix}N</c>.
    /// </summary>
    public static string Translate(Expression<Func<IngestedChunk, bool>>? filter, List<NpgsqlParameter> parameters, string prefix = "f")
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (filter is null)
        {
            return "TRUE";
        }

        var translator = new PgVectorFilterTranslator(parameters, prefix) { _record = filter.Parameters[0] };
        var sql = new StringBuilder();
        translator.Visit(filter.Body, sql);
        return sql.ToString();
    }

    /// <summary>The column of a property selector such as <c>c =&gt; c.Product</c>.</summary>
    public static (string Column, NpgsqlDbType Type) ColumnOf(LambdaExpression selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var body = StripConvert(selector.Body);
        if (body is MemberExpression { Member: PropertyInfo property } member && member.Expression == selector.Parameters[0]
            && Columns.TryGetValue(property.Name, out var column))
        {
            return column;
        }

        throw new NotSupportedException($"The pgvector store can order by a data property of {nameof(IngestedChunk)} only, not '{selector}'.");
    }

    private void Visit(Expression expression, StringBuilder sql)
    {
        switch (expression)
        {
            case BinaryExpression { NodeType: ExpressionType.AndAlso or ExpressionType.OrElse } logical:
                sql.Append('(');
                Visit(logical.Left, sql);
                sql.Append(logical.NodeType == ExpressionType.AndAlso ? " AND " : " OR ");
                Visit(logical.Right, sql);
                sql.Append(')');
                break;
            case UnaryExpression { NodeType: ExpressionType.Not } not:
                sql.Append("(NOT ");
                Visit(not.Operand, sql);
                sql.Append(')');
                break;
            case BinaryExpression comparison when IsComparison(comparison.NodeType):
                VisitComparison(comparison, sql);
                break;
            case MethodCallExpression { Method.Name: "Contains" } call:
                VisitContains(call, sql);
                break;
            case ConstantExpression { Value: bool constant }:
                sql.Append(constant ? "TRUE" : "FALSE");
                break;
            default:
                if (!References(expression) && expression.Type == typeof(bool))
                {
                    sql.Append((bool)Evaluate(expression)! ? "TRUE" : "FALSE");
                    break;
                }

                throw Unsupported(expression);
        }
    }

    private void VisitComparison(BinaryExpression comparison, StringBuilder sql)
    {
        var nodeType = comparison.NodeType;
        Expression valueSide;
        (string Column, NpgsqlDbType Type) column;
        if (TryColumn(comparison.Left, out column) && !References(comparison.Right))
        {
            valueSide = comparison.Right;
        }
        else if (TryColumn(comparison.Right, out column) && !References(comparison.Left))
        {
            valueSide = comparison.Left;
            nodeType = Mirror(nodeType);
        }
        else
        {
            throw Unsupported(comparison);
        }

        var value = Evaluate(valueSide);
        if (value is null)
        {
            sql.Append(nodeType switch
            {
                ExpressionType.Equal => $"({column.Column} IS NULL)",
                ExpressionType.NotEqual => $"({column.Column} IS NOT NULL)",
                _ => "FALSE", // As in C#: an ordering comparison with null is false.
            });
            return;
        }

        if (column.Type == NpgsqlDbType.Text && nodeType is not (ExpressionType.Equal or ExpressionType.NotEqual))
        {
            throw new NotSupportedException($"The pgvector store compares text properties with == and != only: '{comparison}'.");
        }

        var parameter = AddParameter(value, column.Type);
        sql.Append(nodeType switch
        {
            ExpressionType.Equal => $"({column.Column} = {parameter})",

            // As in C#, a null property differs from any value.
            ExpressionType.NotEqual => $"({column.Column} IS DISTINCT FROM {parameter})",
            ExpressionType.LessThan => $"({column.Column} < {parameter})",
            ExpressionType.LessThanOrEqual => $"({column.Column} <= {parameter})",
            ExpressionType.GreaterThan => $"({column.Column} > {parameter})",
            _ => $"({column.Column} >= {parameter})",
        });
    }

    private void VisitContains(MethodCallExpression call, StringBuilder sql)
    {
        // Enumerable.Contains(source, item), MemoryExtensions.Contains(span, item) (C# 14 binds arrays to spans), or
        // an instance collection.Contains(item).
        Expression source;
        Expression item;
        if (call.Object is null && call.Arguments.Count == 2)
        {
            source = call.Arguments[0];
            item = call.Arguments[1];
        }
        else if (call.Object is not null && call.Arguments.Count == 1)
        {
            source = call.Object;
            item = call.Arguments[0];
        }
        else
        {
            throw Unsupported(call);
        }

        source = UnwrapSpan(source);
        if (References(source) || !TryColumn(item, out var column))
        {
            throw Unsupported(call);
        }

        if (Evaluate(source) is not IEnumerable values || values is string)
        {
            throw Unsupported(call);
        }

        var list = values.Cast<object?>().ToList();
        var hasNull = list.Contains(null);
        var nonNull = list.Where(v => v is not null).ToList();
        var parameter = column.Type == NpgsqlDbType.Text
            ? AddParameter(nonNull.Select(v => (string)v!).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)
            : AddParameter(nonNull.Select(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Integer);
        sql.Append(hasNull
            ? $"({column.Column} = ANY({parameter}) OR {column.Column} IS NULL)"
            : $"({column.Column} = ANY({parameter}))");
    }

    private string AddParameter(object value, NpgsqlDbType type)
    {
        var name = $"{_prefix}{_parameters.Count}";
        _parameters.Add(new NpgsqlParameter(name, type) { Value = value });
        return "@" + name;
    }

    private bool TryColumn(Expression expression, out (string Column, NpgsqlDbType Type) column)
    {
        if (StripConvert(expression) is MemberExpression { Member: PropertyInfo property } member && member.Expression == _record
            && Columns.TryGetValue(property.Name, out column))
        {
            return true;
        }

        column = default;
        return false;
    }

    private bool References(Expression expression) => new ParameterFinder(_record).Finds(expression);

    private static Expression StripConvert(Expression expression)
    {
        while (expression is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert)
        {
            expression = convert.Operand;
        }

        return expression;
    }

    private static Expression UnwrapSpan(Expression expression)
    {
        expression = StripConvert(expression);
        return expression is MethodCallExpression { Method.Name: "op_Implicit", Arguments.Count: 1 } implicitSpan
            ? implicitSpan.Arguments[0]
            : expression;
    }

    private static object? Evaluate(Expression expression) =>
        Expression.Lambda<Func<object?>>(Expression.Convert(expression, typeof(object))).Compile(preferInterpretation: true)();

    private static bool IsComparison(ExpressionType type) => type is ExpressionType.Equal or ExpressionType.NotEqual
        or ExpressionType.LessThan or ExpressionType.LessThanOrEqual or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual;

    private static ExpressionType Mirror(ExpressionType type) => type switch
    {
        ExpressionType.LessThan => ExpressionType.GreaterThan,
        ExpressionType.LessThanOrEqual => ExpressionType.GreaterThanOrEqual,
        ExpressionType.GreaterThan => ExpressionType.LessThan,
        ExpressionType.GreaterThanOrEqual => ExpressionType.LessThanOrEqual,
        _ => type,
    };

    private static NotSupportedException Unsupported(Expression expression) => new(
        $"The pgvector store cannot translate the filter '{expression}'. Supported: comparisons of a {nameof(IngestedChunk)} "
        + "data property with a value (==, !=, <, <=, >, >=; text with == and != only), &&, ||, ! and Contains of a property "
        + "in a collection of values.");

    private sealed class ParameterFinder(ParameterExpression parameter) : ExpressionVisitor
    {
        private bool _found;

        public bool Finds(Expression expression)
        {
            _found = false;
            Visit(expression);
            return _found;
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            _found |= node == parameter;
            return node;
        }
    }
}
