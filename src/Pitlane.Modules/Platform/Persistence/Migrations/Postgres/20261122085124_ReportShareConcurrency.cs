using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Platform.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReportShareConcurrency : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
