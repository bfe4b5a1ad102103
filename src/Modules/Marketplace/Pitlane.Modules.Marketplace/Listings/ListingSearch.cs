using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Pitlane.Modules.Marketplace.Listings;

/// <summary>A listing matched by the full-text index, with its relevance (higher is better).</summary>
public sealed class SearchHit
{
    public Guid Id { get; set; }
    public double Rank { get; set; }
}

/// <summary>
/// Full-text search over <see cref="Listing.SearchText"/> with the database's own engine, so the index is transactional
/// with the listings and shared by every app instance: PostgreSQL's tsvector ('english' configuration, stemmed) behind
/// a GIN expression index, ranked by ts_rank; SQLite's FTS5 (porter stemmer over unicode61) in a table keyed by
/// listing id and kept by triggers, ranked by bm25. The person's words are reduced to letters and digits and each is matched as
/// a prefix ("brak" finds "brake"), all of them required, so no input can be a syntax error in either query language.
/// </summary>
public static class ListingSearch
{
    public const int MaxTerms = 8;

    /// <summary>The words of a query: runs of letters and digits, lower case, at most <see cref="MaxTerms"/>.</summary>
    public static IReadOnlyList<string> Terms(string? q)
    {
        var terms = new List<string>();
        if (string.IsNullOrWhiteSpace(q))
        {
            return terms;
        }
        var current = new StringBuilder();
        foreach (var c in q.ToLowerInvariant().Append(' '))
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(c);
            }
            else if (current.Length > 0)
            {
                if (terms.Count < MaxTerms && !terms.Contains(current.ToString()))
                {
                    terms.Add(current.ToString());
                }
                current.Clear();
            }
        }
        return terms;
    }

    /// <summary>FTS5 query: each term a quoted prefix phrase ("pad"*), implicitly AND-ed.</summary>
    public static string Fts5Query(IReadOnlyList<string> terms) => string.Join(' ', terms.Select(t => $"\"{t}\"*"));

    /// <summary>PostgreSQL to_tsquery text: each term a prefix (pad:*), AND-ed. Terms hold only letters and digits.</summary>
    public static string TsQuery(IReadOnlyList<string> terms) => string.Join(" & ", terms.Select(t => $"{t}:*"));

    /// <summary>The listings (active or not) whose text matches every term, with their rank; compose further filters on it.</summary>
    public static IQueryable<SearchHit> Hits(MarketplaceDbContext db, IReadOnlyList<string> terms)
    {
        if (db is PostgresMarketplaceDbContext)
        {
            var query = TsQuery(terms);
            return db.SearchHits.FromSql($"""
                SELECT l."Id" AS "Id", ts_rank(to_tsvector('english', l."SearchText"), to_tsquery('english', {query}))::double precision AS "Rank"
                FROM market_listings l
                WHERE to_tsvector('english', l."SearchText") @@ to_tsquery('english', {query})
                """);
        }
        var match = Fts5Query(terms);
        return db.SearchHits.FromSql($"""
            SELECT market_listings_fts."Id" AS "Id", -bm25(market_listings_fts) AS "Rank"
            FROM market_listings_fts
            WHERE market_listings_fts MATCH {match}
            """);
    }
}
