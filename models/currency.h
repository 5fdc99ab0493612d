#pragma once

#include <QLocale>
#include <QString>
#include <QStringList>
#include <QStringView>

/*
 * Stripe's currency rules: how many decimal places an amount's minor unit has, and the symbols
 * a user may type or read for a currency. Stripe amounts are integers in the smallest unit of
 * the currency; for the zero-decimal currencies that unit is the whole unit (¥1 is amount 1),
 * for the three-decimal currencies it is a thousandth (BHD 1.000 is amount 1000).
 */
namespace paydesk::models::currency {

// Three ASCII letters, in either case (Stripe sends "usd").
bool isValidCode(QStringView code);

// Upper-case ISO 4217 form ("usd" -> "USD").
QString normalized(QStringView code);

// Number of decimal places of the currency's minor unit: 0, 2 or 3.
int decimals(QStringView code);

bool isZeroDecimal(QStringView code);
bool isThreeDecimal(QStringView code);

// The symbol to show for an amount in this currency to a reader of `locale`: the locale's own
// symbol for its own currency ("$" for USD in en_US), a widely understood one otherwise ("US$"
// in en_GB, "€", "¥"), and the ISO code when there is none.
QString symbol(QStringView code, const QLocale &locale);

// The symbol to show next to the ISO code ("$155.00 USD"): the symbol without the letters that
// only tell one dollar from another ("US$" and "CA$" -> "$", "CN¥" -> "¥"); empty when the
// currency has no symbol but its code ("CHF", "KWD").
QString narrowSymbol(QStringView code, const QLocale &locale);

// The ISO codes a typed symbol may stand for ("$" -> USD, CAD, AUD, …); empty if unknown.
QStringList codesForSymbol(QStringView symbol);

} // namespace paydesk::models::currency
