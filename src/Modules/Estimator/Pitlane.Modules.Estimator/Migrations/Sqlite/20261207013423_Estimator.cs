using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Estimator.Migrations.Sqlite
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OperationCode = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Make = table.Column<string>(type: "TEXT", maxLength: 80, nullable: true),
                    Model = table.Column<string>(type: "TEXT", maxLength: 120, nullable: true),
                    TenthsOfHour = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_estimator_book_times", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "estimator_orders",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    QuoteId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SupplierId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    SupplierName = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    SupplierOrderId = table.Column<string>(type: "TEXT", maxLength: 120, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    PlacedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpectedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    TotalCost = table.Column<long>(type: "INTEGER", nullable: false),
                    PunchoutSessionId = table.Column<string>(type: "TEXT", maxLength: 120, nullable: true),
                    RedirectUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Lines = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_estimator_orders", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "estimator_pricing",
                columns: table => new
                {
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Document = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_estimator_pricing", x => x.OrganizationId);
                });

            migrationBuilder.CreateTable(
                name: "estimator_quotes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VehicleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VehicleTitle = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    PartsTotal = table.Column<long>(type: "INTEGER", nullable: false),
                    LaborTotal = table.Column<long>(type: "INTEGER", nullable: false),
                    GrandTotal = table.Column<long>(type: "INTEGER", nullable: false),
                    PartsGrossProfit = table.Column<long>(type: "INTEGER", nullable: false),
                    GreedyGrossProfit = table.Column<long>(type: "INTEGER", nullable: false),
                    Document = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
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
