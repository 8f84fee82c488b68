"""A peer of `credits aco FILE -o csv`: a plain vectorised pandas script doing the same
summary (see aco_summary_duckdb.py): read_csv, to_datetime, sort, groupby(...).diff(), the
last row per group. Run: python3 benches/aco_summary_pandas.py FILE > /dev/null
"""
import sys

import pandas as pd

frame = pd.read_csv(sys.argv[1], dtype={"CustomerTenantId": str, "AgreementID": str})
frame["month"] = pd.to_datetime(frame["InvoiceMonth"], format="%Y-%m")
frame["effective"] = pd.to_datetime(frame["EffectiveDate"], format="%m/%d/%Y").dt.to_period("M").dt.to_timestamp()
frame["k1"] = frame["CustomerTenantId"].str.lower()
frame["k2"] = frame["AgreementID"].str.lower()
frame = frame.sort_values(["k1", "k2", "month"])
groups = frame.groupby(["k1", "k2"], sort=False)
previous_month = groups["month"].shift(1)
difference = groups["CreditAmount"].diff()
consecutive = previous_month == frame["month"] - pd.DateOffset(months=1)
used = difference.where(consecutive)
frame["creditUsedLatestMonth"] = used.where(consecutive, frame["CreditAmount"].where(frame["effective"] == frame["month"]))
last = frame.groupby(["k1", "k2"], sort=False).tail(1)
out = pd.DataFrame({
    "customerId": last["CustomerTenantId"],
    "agreementId": last["AgreementID"],
    "currency": last["CurrencyCode"].str.upper(),
    "latestMonth": last["month"].dt.strftime("%Y-%m"),
    "balanceAmount": last["BalanceAmount"],
    "creditAmount": last["CreditAmount"],
    "creditUsedLatestMonth": last["creditUsedLatestMonth"],
})
out.to_csv(sys.stdout, index=False)
