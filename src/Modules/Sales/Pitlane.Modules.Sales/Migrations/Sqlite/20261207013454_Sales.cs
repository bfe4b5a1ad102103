using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Sales.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Sales : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sales_feedback",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SessionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AtSeconds = table.Column<double>(type: "REAL", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Value = table.Column<double>(type: "REAL", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sales_feedback", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "sales_sessions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SalespersonId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SalespersonName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    VehicleId = table.Column<Guid>(type: "TEXT", nullable: true),
                    VehicleTitle = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Persona = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    ObjectionScript = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    AudioSeconds = table.Column<double>(type: "REAL", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Score = table.Column<int>(type: "INTEGER", nullable: true),
                    Clarity = table.Column<int>(type: "INTEGER", nullable: true),
                    Confidence = table.Column<int>(type: "INTEGER", nullable: true),
                    ReportJson = table.Column<string>(type: "TEXT", nullable: true),
                    TranscriptStatus = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    TranscriptSource = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Transcript = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sales_sessions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_sales_feedback_SessionId_AtSeconds",
                table: "sales_feedback",
                columns: new[] { "SessionId", "AtSeconds" });

            migrationBuilder.CreateIndex(
                name: "IX_sales_sessions_OrganizationId_CreatedAt",
                table: "sales_sessions",
                columns: new[] { "OrganizationId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_sales_sessions_OrganizationId_SalespersonId_CreatedAt",
                table: "sales_sessions",
                columns: new[] { "OrganizationId", "SalespersonId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sales_feedback");

            migrationBuilder.DropTable(
                name: "sales_sessions");
        }
    }
}
