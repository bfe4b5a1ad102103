using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pitlane.Modules.Payments.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Payments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "payments_accounts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OwnerKind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    OwnerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LockVersion = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments_accounts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "payments_disputes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ProcessorId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    IntentId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Status = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments_disputes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "payments_idempotency_keys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Scope = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Key = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    Fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Completed = table.Column<bool>(type: "boolean", nullable: false),
                    LockedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StatusCode = table.Column<int>(type: "integer", nullable: false),
                    ContentType = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Location = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Body = table.Column<byte[]>(type: "bytea", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments_idempotency_keys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "payments_intents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Processor = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ProcessorId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ClientSecret = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    PayeeOrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: true),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    CaptureMethod = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    AmountCapturable = table.Column<long>(type: "bigint", nullable: false),
                    AmountReceived = table.Column<long>(type: "bigint", nullable: false),
                    AmountRefunded = table.Column<long>(type: "bigint", nullable: false),
                    PayeeRefunded = table.Column<long>(type: "bigint", nullable: false),
                    ApplicationFeeAmount = table.Column<long>(type: "bigint", nullable: false),
                    ProcessorFee = table.Column<long>(type: "bigint", nullable: false),
                    AmountDisputed = table.Column<long>(type: "bigint", nullable: false),
                    PaymentMethod = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Description = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    LastPaymentError = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    NextActionUrl = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastEventAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments_intents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "payments_journal_entries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ReferenceId = table.Column<Guid>(type: "uuid", nullable: false),
                    Description = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ReversesEntryId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments_journal_entries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "payments_payouts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Automatic = table.Column<bool>(type: "boolean", nullable: false),
                    ProcessorId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    FailureCode = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments_payouts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "payments_received_events",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Processor = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Type = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Created = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments_received_events", x => new { x.Processor, x.Id });
                });

            migrationBuilder.CreateTable(
                name: "payments_refunds",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    IntentId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProcessorId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    PayeeAmount = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Reason = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments_refunds", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "payments_sim_balance_transactions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Type = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    Fee = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Source = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments_sim_balance_transactions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "payments_sim_events",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Type = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Payload = table.Column<string>(type: "character varying(16000)", maxLength: 16000, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DueAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DeliveredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments_sim_events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "payments_sim_intents",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ClientSecret = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    PitlaneIntentId = table.Column<Guid>(type: "uuid", nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    CaptureMethod = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    AmountCapturable = table.Column<long>(type: "bigint", nullable: false),
                    AmountReceived = table.Column<long>(type: "bigint", nullable: false),
                    AmountRefunded = table.Column<long>(type: "bigint", nullable: false),
                    ApplicationFeeAmount = table.Column<long>(type: "bigint", nullable: false),
                    Destination = table.Column<Guid>(type: "uuid", nullable: false),
                    Fee = table.Column<long>(type: "bigint", nullable: false),
                    PaymentMethod = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ErrorCode = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    ErrorMessage = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments_sim_intents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "payments_sim_payment_methods",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Behavior = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    Brand = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Last4 = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    ExpMonth = table.Column<int>(type: "integer", nullable: false),
                    ExpYear = table.Column<int>(type: "integer", nullable: false),
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments_sim_payment_methods", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "payments_sim_payouts",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    Destination = table.Column<Guid>(type: "uuid", nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    FailureCode = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ArrivalDate = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments_sim_payouts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "payments_sim_refunds",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    IntentId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments_sim_refunds", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "payments_journal_lines",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    EntryId = table.Column<Guid>(type: "uuid", nullable: false),
                    AccountId = table.Column<Guid>(type: "uuid", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payments_journal_lines", x => x.Id);
                    table.ForeignKey(
                        name: "FK_payments_journal_lines_payments_accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "payments_accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_payments_journal_lines_payments_journal_entries_EntryId",
                        column: x => x.EntryId,
                        principalTable: "payments_journal_entries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_payments_accounts_OwnerKind_OwnerId_Code_Currency",
                table: "payments_accounts",
                columns: new[] { "OwnerKind", "OwnerId", "Code", "Currency" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_payments_disputes_ProcessorId",
                table: "payments_disputes",
                column: "ProcessorId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_payments_idempotency_keys_CreatedAt",
                table: "payments_idempotency_keys",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_payments_idempotency_keys_Scope_Key",
                table: "payments_idempotency_keys",
                columns: new[] { "Scope", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_payments_intents_CustomerId_CreatedAt",
                table: "payments_intents",
                columns: new[] { "CustomerId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_payments_intents_OrganizationId_CreatedAt",
                table: "payments_intents",
                columns: new[] { "OrganizationId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_payments_intents_PayeeOrganizationId_CreatedAt",
                table: "payments_intents",
                columns: new[] { "PayeeOrganizationId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_payments_intents_Processor_ProcessorId",
                table: "payments_intents",
                columns: new[] { "Processor", "ProcessorId" });

            migrationBuilder.CreateIndex(
                name: "IX_payments_journal_entries_ReferenceId",
                table: "payments_journal_entries",
                column: "ReferenceId");

            migrationBuilder.CreateIndex(
                name: "IX_payments_journal_lines_AccountId_EntryId",
                table: "payments_journal_lines",
                columns: new[] { "AccountId", "EntryId" });

            migrationBuilder.CreateIndex(
                name: "IX_payments_journal_lines_EntryId",
                table: "payments_journal_lines",
                column: "EntryId");

            migrationBuilder.CreateIndex(
                name: "IX_payments_payouts_OrganizationId_CreatedAt",
                table: "payments_payouts",
                columns: new[] { "OrganizationId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_payments_payouts_ProcessorId",
                table: "payments_payouts",
                column: "ProcessorId");

            migrationBuilder.CreateIndex(
                name: "IX_payments_payouts_Status",
                table: "payments_payouts",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_payments_refunds_IntentId",
                table: "payments_refunds",
                column: "IntentId");

            migrationBuilder.CreateIndex(
                name: "IX_payments_refunds_ProcessorId",
                table: "payments_refunds",
                column: "ProcessorId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_payments_sim_balance_transactions_CreatedAt",
                table: "payments_sim_balance_transactions",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_payments_sim_balance_transactions_Source",
                table: "payments_sim_balance_transactions",
                column: "Source");

            migrationBuilder.CreateIndex(
                name: "IX_payments_sim_events_DeliveredAt_DueAt",
                table: "payments_sim_events",
                columns: new[] { "DeliveredAt", "DueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_payments_sim_intents_IdempotencyKey",
                table: "payments_sim_intents",
                column: "IdempotencyKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_payments_sim_payment_methods_CustomerId",
                table: "payments_sim_payment_methods",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_payments_sim_payouts_IdempotencyKey",
                table: "payments_sim_payouts",
                column: "IdempotencyKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_payments_sim_refunds_IdempotencyKey",
                table: "payments_sim_refunds",
                column: "IdempotencyKey",
                unique: true);

            // The ledger is append-only in the database too, not only in PaymentsDbContext: corrections are reversing entries.
            migrationBuilder.Sql("CREATE FUNCTION payments_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'The ledger is append-only'; END $$;");
            foreach (var table in new[] { "payments_journal_entries", "payments_journal_lines" })
            {
                migrationBuilder.Sql($"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION payments_ledger_append_only();");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS payments_ledger_append_only() CASCADE;");
            migrationBuilder.DropTable(
                name: "payments_disputes");

            migrationBuilder.DropTable(
                name: "payments_idempotency_keys");

            migrationBuilder.DropTable(
                name: "payments_intents");

            migrationBuilder.DropTable(
                name: "payments_journal_lines");

            migrationBuilder.DropTable(
                name: "payments_payouts");

            migrationBuilder.DropTable(
                name: "payments_received_events");

            migrationBuilder.DropTable(
                name: "payments_refunds");

            migrationBuilder.DropTable(
                name: "payments_sim_balance_transactions");

            migrationBuilder.DropTable(
                name: "payments_sim_events");

            migrationBuilder.DropTable(
                name: "payments_sim_intents");

            migrationBuilder.DropTable(
                name: "payments_sim_payment_methods");

            migrationBuilder.DropTable(
                name: "payments_sim_payouts");

            migrationBuilder.DropTable(
                name: "payments_sim_refunds");

            migrationBuilder.DropTable(
                name: "payments_accounts");

            migrationBuilder.DropTable(
                name: "payments_journal_entries");
        }
    }
}
