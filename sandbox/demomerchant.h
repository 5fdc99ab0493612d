#pragma once

#include <QString>

namespace paydesk::sandbox {

struct Store;
class IdGenerator;

struct DemoMerchantOptions
{
    quint64 seed = 1;
    qint64 charges = 50000; // Approximate number of charges.
    qint64 now = 0; // Unix time the history ends at.
    qint64 customers = 0; // 0: one per 25 charges (about 55 % of them subscribe).
};

/*
 * Generates the demo merchant "Northwind Coffee Roasters": 24 months of a subscription coffee
 * business ending at `now` — a catalogue with monthly and yearly prices in USD, EUR, GBP and
 * JPY, customers acquired with growth, subscriptions with trials, coupons, upgrades and
 * downgrades with prorations, dunning, cancellations and reactivations, an invoice per period,
 * one-off payments, declines with real decline codes, refunds, disputes in every status,
 * Radar risk, balance transactions settled in USD, and the events of the last 30 days.
 * Deterministic for a seed.
 */
void generateDemoMerchant(Store &store, IdGenerator &ids, const DemoMerchantOptions &options);

} // namespace paydesk::sandbox
