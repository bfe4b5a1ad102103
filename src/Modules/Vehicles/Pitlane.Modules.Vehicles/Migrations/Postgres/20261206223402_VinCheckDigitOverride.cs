using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Vehicles.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class VinCheckDigitOverride : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "CheckDigitOverriddenAt",
                table: "vehicles",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "CheckDigitOverriddenBy",
                table: "vehicles",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CheckDigitOverrideReason",
                table: "vehicles",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CheckDigitOverriddenAt",
                table: "vehicles");

            migrationBuilder.DropColumn(
                name: "CheckDigitOverriddenBy",
                table: "vehicles");

            migrationBuilder.DropColumn(
                name: "CheckDigitOverrideReason",
                table: "vehicles");
        }
    }
}
