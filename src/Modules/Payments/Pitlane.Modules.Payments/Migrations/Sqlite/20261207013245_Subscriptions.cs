using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Payments.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Subscriptions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "payments_plans",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProviderOrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    MonthlyAmount = table.Column<long>(type: "INTEGER", nullable: true),
                    AnnualAmount = table.Column<long>(type: "INTEGER", nullable: true),
                    TrialDays = table.Column<int>(type: "INTEGER", nullable: false),
                    EntitlementsJson = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments_plans", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "payments_subscription_invoices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubscriptionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProviderOrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubscriberOrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    BillingReason = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    PeriodStart = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PeriodEnd = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LinesJson = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Subtotal = table.Column<long>(type: "INTEGER", nullable: false),
                    BalanceApplied = table.Column<long>(type: "INTEGER", nullable: false),
                    AmountDue = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    AttemptCount = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    PaymentIntentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    PayUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PaidAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments_subscription_invoices", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "payments_subscriptions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProviderOrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubscriberOrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CustomerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PlanId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Interval = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    PaymentMethod = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    BillingAnchor = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PeriodIndex = table.Column<int>(type: "INTEGER", nullable: false),
                    CurrentPeriodStart = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CurrentPeriodEnd = table.Column<DateTime>(type: "TEXT", nullable: false),
                    TrialEnd = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CancelAtPeriodEnd = table.Column<bool>(type: "INTEGER", nullable: false),
                    CanceledAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    EndedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    EndReason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Balance = table.Column<long>(type: "INTEGER", nullable: false),
                    LatestInvoiceId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments_subscriptions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_payments_plans_ProviderOrganizationId_Code",
                table: "payments_plans",
                columns: new[] { "ProviderOrganizationId", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_payments_subscription_invoices_SubscriptionId_CreatedAt",
                table: "payments_subscription_invoices",
                columns: new[] { "SubscriptionId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_payments_subscriptions_ProviderOrganizationId_CreatedAt",
                table: "payments_subscriptions",
                columns: new[] { "ProviderOrganizationId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_payments_subscriptions_SubscriberOrganizationId_ProviderOrganizationId",
                table: "payments_subscriptions",
                columns: new[] { "SubscriberOrganizationId", "ProviderOrganizationId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "payments_plans");

            migrationBuilder.DropTable(
                name: "payments_subscription_invoices");

            migrationBuilder.DropTable(
                name: "payments_subscriptions");
        }
    }
}
