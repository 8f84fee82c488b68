"""The peer of `credits aco` in the end-to-end bench: pandas doing the same grouping.

Reads the ACO balance file, groups by customer and agreement, sorts the months, takes the
credit used in each month as the difference to the previous *calendar* month (unknown when
that month is missing and the credit did not start that month), and writes one JSON record
per credit with its latest month, balance, credit and months, like `credits aco --json`.
Run: python3 benches/aco_pandas.py FILE > /dev/null
"""
import json
import sys

import pandas as pd

frame = pd.read_csv(sys.argv[1], dtype={"CustomerTenantId": str, "AgreementID": str})
frame["month"] = pd.PeriodIndex(frame["InvoiceMonth"], freq="M")
frame["effective"] = pd.to_datetime(frame["EffectiveDate"], format="%m/%d/%Y").dt.to_period("M")
frame = frame.sort_values(["CustomerTenantId", "AgreementID", "month"])
keys = ["CustomerTenantId", "AgreementID"]
previous_month = frame.groupby(keys)["month"].shift(1)
previous_credit = frame.groupby(keys)["CreditAmount"].shift(1)
consecutive = previous_month == frame["month"] - 1
used = (frame["CreditAmount"] - previous_credit).where(consecutive)
frame["used"] = used.where(consecutive | (frame["effective"] != frame["month"]), frame["CreditAmount"])
frame.loc[~consecutive & (frame["effective"] != frame["month"]), "used"] = None
out = []
for (customer, agreement), group in frame.groupby(keys, sort=True):
    last = group.iloc[-1]
    out.append({
        "customerId": customer,
        "agreementId": agreement,
        "currency": last["CurrencyCode"],
        "latestMonth": str(last["month"]),
        "balanceAmount": {"value": float(last["BalanceAmount"]), "currency": last["CurrencyCode"]},
        "creditAmount": {"value": float(last["CreditAmount"]), "currency": last["CurrencyCode"]},
        "creditUsedLatestMonth": None if pd.isna(last["used"]) else {"value": float(last["used"]), "currency": last["CurrencyCode"]},
        "months": [
            {"invoiceMonth": str(m), "creditAmount": float(c), "balanceAmount": float(b),
             "creditUsed": None if pd.isna(u) else float(u)}
            for m, c, b, u in zip(group["month"], group["CreditAmount"], group["BalanceAmount"], group["used"])
        ],
    })
json.dump(out, sys.stdout, indent=2)
