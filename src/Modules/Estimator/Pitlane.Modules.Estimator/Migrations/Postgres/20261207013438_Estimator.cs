using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Estimator.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Estimator : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "estimator_book_times",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    OperationCode = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Make = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    Model = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    TenthsOfHour = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_estimator_book_times", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "estimator_orders",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    QuoteId = table.Column<Guid>(type: "uuid", nullable: false),
                    SupplierId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    SupplierName = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    SupplierOrderId = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    Status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    PlacedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ExpectedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    TotalCost = table.Column<long>(type: "bigint", nullable: false),
                    PunchoutSessionId = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    RedirectUrl = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Lines = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_estimator_orders", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "estimator_pricing",
                columns: table => new
                {
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Document = table.Column<string>(type: "text", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_estimator_pricing", x => x.OrganizationId);
                });

            migrationBuilder.CreateTable(
                name: "estimator_quotes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    VehicleId = table.Column<Guid>(type: "uuid", nullable: false),
                    VehicleTitle = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    PartsTotal = table.Column<long>(type: "bigint", nullable: false),
                    LaborTotal = table.Column<long>(type: "bigint", nullable: false),
                    GrandTotal = table.Column<long>(type: "bigint", nullable: false),
                    PartsGrossProfit = table.Column<long>(type: "bigint", nullable: false),
                    GreedyGrossProfit = table.Column<long>(type: "bigint", nullable: false),
                    Document = table.Column<string>(type: "text", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_estimator_quotes", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_estimator_book_times_OrganizationId_OperationCode_Make_Model",
                table: "estimator_book_times",
                columns: new[] { "OrganizationId", "OperationCode", "Make", "Model" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_estimator_orders_OrganizationId_QuoteId",
                table: "estimator_orders",
                columns: new[] { "OrganizationId", "QuoteId" });

            migrationBuilder.CreateIndex(
                name: "IX_estimator_orders_PunchoutSessionId",
                table: "estimator_orders",
                column: "PunchoutSessionId");

            migrationBuilder.CreateIndex(
                name: "IX_estimator_quotes_OrganizationId_CreatedAt",
                table: "estimator_quotes",
                columns: new[] { "OrganizationId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "estimator_book_times");

            migrationBuilder.DropTable(
                name: "estimator_orders");

            migrationBuilder.DropTable(
                name: "estimator_pricing");

            migrationBuilder.DropTable(
                name: "estimator_quotes");
        }
    }
}
