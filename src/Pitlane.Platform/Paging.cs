namespace Pitlane.Platform;

/// <summary>One page of a list, as every list endpoint answers it: <c>{items, page, pageSize, total}</c>.</summary>
public sealed record ListPage<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total)
{
    public ListPage<TOut> Map<TOut>(Func<T, TOut> map) => new(Items.Select(map).ToList(), Page, PageSize, Total);
}

/// <summary>
/// The paging query of every list endpoint (<c>?page=1&amp;pageSize=50</c>): pages start at 1, at most
/// <see cref="MaxPageSize"/> items a page. Invalid values are a 400 naming the parameter.
/// </summary>
public sealed record PageRequest(int Number, int PageSize)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public int Skip => (Number - 1) * PageSize;

    /// <summary>
    /// Checks the query values into <paramref name="validation"/>; the request is usable when it stays valid. A list of
    /// heavy rows may lower the default and the maximum (scans: 20 and 100).
    /// </summary>
    public static PageRequest From(int? page, int? pageSize, Validation validation, int defaultPageSize = DefaultPageSize, int maxPageSize = MaxPageSize)
    {
        ArgumentNullException.ThrowIfNull(validation);
        var number = page ?? 1;
        var size = pageSize ?? defaultPageSize;
        validation
            .Require(number >= 1, "page", "page starts at 1.")
            .Require(size >= 1 && size <= maxPageSize, "pageSize", $"pageSize must be between 1 and {maxPageSize}.");
        return new PageRequest(Math.Max(1, number), Math.Clamp(size, 1, maxPageSize));
    }

    /// <summary>The page of <paramref name="ordered"/> this request asks for, with the total count.</summary>
    public async Task<ListPage<T>> ApplyAsync<T>(IQueryable<T> ordered, CancellationToken ct)
    {
        var total = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(ordered, ct);
        var items = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(ordered.Skip(Skip).Take(PageSize), ct);
        return new ListPage<T>(items, Number, PageSize, total);
    }
}
