"""A peer of `credits aco FILE -o csv`: DuckDB doing the same summary, one row per credit
(customer and agreement): its latest month, balance, credit, and the credit used in that
month (the difference to the previous calendar month; the whole credit in the month it took
effect; unknown otherwise). Run: python3 benches/aco_summary_duckdb.py FILE > /dev/null
"""
import sys

import duckdb

duckdb.sql(
    """
    WITH rows AS (
        SELECT *,
            strptime(InvoiceMonth, '%Y-%m')::DATE AS month,
            strptime(EffectiveDate, '%m/%d/%Y')::DATE AS effective
        FROM read_csv($file, header = true, types = {
            'CustomerTenantId': 'VARCHAR', 'AgreementID': 'VARCHAR',
            'InvoiceMonth': 'VARCHAR', 'EffectiveDate': 'VARCHAR', 'ExpiryDate': 'VARCHAR',
            'CreditAmount': 'DECIMAL(18,2)', 'BalanceAmount': 'DECIMAL(18,2)'})
    ), ordered AS (
        SELECT *,
            lag(month) OVER credit AS previous_month,
            lag(CreditAmount) OVER credit AS previous_credit,
            row_number() OVER (PARTITION BY lower(CustomerTenantId), lower(AgreementID)
                               ORDER BY month DESC) AS newest
        FROM rows
        WINDOW credit AS (PARTITION BY lower(CustomerTenantId), lower(AgreementID) ORDER BY month)
    )
    SELECT CustomerTenantId AS customerId, AgreementID AS agreementId,
        upper(CurrencyCode) AS currency, strftime(month, '%Y-%m') AS latestMonth,
        BalanceAmount AS balanceAmount, CreditAmount AS creditAmount,
        CASE WHEN previous_month = month - INTERVAL 1 MONTH THEN CreditAmount - previous_credit
             WHEN date_trunc('month', effective) = month THEN CreditAmount END
            AS creditUsedLatestMonth
    FROM ordered WHERE newest = 1
    ORDER BY lower(CustomerTenantId), lower(AgreementID)
    """,
    params={"file": sys.argv[1]},
).write_csv("/dev/stdout")
