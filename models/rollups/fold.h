#pragma once

#include "models/store/sqlitedb.h"

namespace paydesk::models::rollups {

/*
 * The fold: brings the MRR rollups of schema 7 and 9 up to date with what was written since the
 * last fold, as the triggers noted it: the subscriptions (sub_dirty) get their values again
 * (sub_mrr), the customers whose invoice lines or subscriptions changed (mrr_dirty) their
 * month-end MRR series (customer_mrr), the months' totals and cohort cells (mrr_months,
 * mrr_cohorts) take the difference, and each customer's MRR this month (customer_now) follows.
 * Cache::commit() calls it before it commits, so no reader ever sees the rows and the rollups
 * disagree; analytics only reads. The values are computed in C++ with the same code as the
 * reference computations (models/rollups/mrrstate.h).
 */
// True when there is nothing to do or all was written.
bool foldRollups(sql::Database &db);

} // namespace paydesk::models::rollups
