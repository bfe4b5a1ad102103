using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Platform.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AgentInstances : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ClaimedByInstance",
                table: "diag_scans",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "HeardAt",
                table: "diag_scans",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClaimedByInstance",
                table: "diag_code_clearings",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "HeardAt",
                table: "diag_code_clearings",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ClaimedByInstance",
                table: "diag_scans");

            migrationBuilder.DropColumn(
                name: "HeardAt",
                table: "diag_scans");

            migrationBuilder.DropColumn(
                name: "ClaimedByInstance",
                table: "diag_code_clearings");

            migrationBuilder.DropColumn(
                name: "HeardAt",
                table: "diag_code_clearings");
        }
    }
}
