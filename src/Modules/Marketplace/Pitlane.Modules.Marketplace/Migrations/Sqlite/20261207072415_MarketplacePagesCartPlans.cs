using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Marketplace.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MarketplacePagesCartPlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "CheckoutId",
                table: "market_orders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EvidencePhotoIds",
                table: "market_orders",
                type: "TEXT",
                maxLength: 400,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "FeeBasisPoints",
                table: "market_orders",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "RatedAt",
                table: "market_orders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Rating",
                table: "market_orders",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RatingComment",
                table: "market_orders",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PhotoIds",
                table: "market_listings",
                type: "TEXT",
                maxLength: 400,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "market_cart_items",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ListingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Quantity = table.Column<int>(type: "INTEGER", nullable: false),
                    ShippingOption = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    AddedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_market_cart_items", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_market_orders_SellerOrganizationId_RatedAt",
                table: "market_orders",
                columns: new[] { "SellerOrganizationId", "RatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_market_cart_items_OrganizationId_UserId_ListingId",
                table: "market_cart_items",
                columns: new[] { "OrganizationId", "UserId", "ListingId" },
                unique: true);

            // Full-text index (FTS5, porter stemmer): one row per listing, kept by triggers in the listing's own transaction.
            // Keyed by the listing id (an UNINDEXED column), not by rowid: a table without INTEGER PRIMARY KEY may get new
            // rowids on VACUUM, which would silently detach an external-content index.
            migrationBuilder.Sql("""CREATE VIRTUAL TABLE market_listings_fts USING fts5("Id" UNINDEXED, "SearchText", tokenize = 'porter unicode61');""");
            migrationBuilder.Sql("""INSERT INTO market_listings_fts("Id", "SearchText") SELECT "Id", "SearchText" FROM market_listings;""");
            migrationBuilder.Sql("""
                CREATE TRIGGER market_listings_fts_insert AFTER INSERT ON market_listings BEGIN
                    INSERT INTO market_listings_fts("Id", "SearchText") VALUES (new."Id", new."SearchText");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER market_listings_fts_update AFTER UPDATE OF "SearchText" ON market_listings BEGIN
                    DELETE FROM market_listings_fts WHERE "Id" = old."Id";
                    INSERT INTO market_listings_fts("Id", "SearchText") VALUES (new."Id", new."SearchText");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER market_listings_fts_delete AFTER DELETE ON market_listings BEGIN
                    DELETE FROM market_listings_fts WHERE "Id" = old."Id";
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS market_listings_fts_insert;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS market_listings_fts_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS market_listings_fts_delete;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS market_listings_fts;");
            migrationBuilder.DropTable(
                name: "market_cart_items");

            migrationBuilder.DropIndex(
                name: "IX_market_orders_SellerOrganizationId_RatedAt",
                table: "market_orders");

            migrationBuilder.DropColumn(
                name: "CheckoutId",
                table: "market_orders");

            migrationBuilder.DropColumn(
                name: "EvidencePhotoIds",
                table: "market_orders");

            migrationBuilder.DropColumn(
                name: "FeeBasisPoints",
                table: "market_orders");

            migrationBuilder.DropColumn(
                name: "RatedAt",
                table: "market_orders");

            migrationBuilder.DropColumn(
                name: "Rating",
                table: "market_orders");

            migrationBuilder.DropColumn(
                name: "RatingComment",
                table: "market_orders");

            migrationBuilder.DropColumn(
                name: "PhotoIds",
                table: "market_listings");
        }
    }
}
