"""A peer of `credits aco FILE -o csv`: polars doing the same summary (see
aco_summary_duckdb.py). Run: python3 benches/aco_summary_polars.py FILE > /dev/null
"""
import sys

import polars as pl

keys = [pl.col("CustomerTenantId").str.to_lowercase().alias("k1"),
        pl.col("AgreementID").str.to_lowercase().alias("k2")]
frame = (
    pl.scan_csv(sys.argv[1], schema_overrides={
        "CustomerTenantId": pl.String, "AgreementID": pl.String,
        "CreditAmount": pl.Decimal(18, 2), "BalanceAmount": pl.Decimal(18, 2)})
    .with_columns(
        *keys,
        pl.col("InvoiceMonth").str.to_date("%Y-%m").alias("month"),
        pl.col("EffectiveDate").str.to_date("%m/%d/%Y").dt.truncate("1mo").alias("effective"),
    )
    .sort(["k1", "k2", "month"])
    .with_columns(
        pl.col("month").shift(1).over(["k1", "k2"]).alias("previous_month"),
        pl.col("CreditAmount").diff().over(["k1", "k2"]).alias("difference"),
    )
    .with_columns(
        pl.when(pl.col("previous_month") == pl.col("month").dt.offset_by("-1mo"))
        .then(pl.col("difference"))
        .when(pl.col("effective") == pl.col("month"))
        .then(pl.col("CreditAmount"))
        .otherwise(None)
        .alias("creditUsedLatestMonth")
    )
    .group_by(["k1", "k2"], maintain_order=True)
    .last()
    .select(
        pl.col("CustomerTenantId").alias("customerId"),
        pl.col("AgreementID").alias("agreementId"),
        pl.col("CurrencyCode").str.to_uppercase().alias("currency"),
        pl.col("month").dt.strftime("%Y-%m").alias("latestMonth"),
        pl.col("BalanceAmount").alias("balanceAmount"),
        pl.col("CreditAmount").alias("creditAmount"),
        "creditUsedLatestMonth",
    )
    .collect()
)
frame.write_csv(sys.stdout)
