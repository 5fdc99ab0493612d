#pragma once

#include "models/actions/staffactions.h"
#include "ui/actiondialog.h"

#include <QJsonObject>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLineEdit;
class QRadioButton;
class QSpinBox;
class QTimer;

namespace paydesk::ui {

/*
 * Pauses a subscription's payment collection (what happens to its invoices meanwhile, and
 * optionally the day it resumes by itself), or resumes a paused one.
 */
class PauseCollectionDialog final : public ActionDialog
{
    Q_OBJECT
public:
    PauseCollectionDialog(const QJsonObject &subscription, const QString &customerLabel,
                          const Options &options, QWidget *parent = nullptr);

    bool resumes() const { return m_resume; }
    QComboBox *behaviorBox() const { return m_behavior; }
    QCheckBox *resumeAutomaticallyBox() const { return m_autoResume; }
    QDateEdit *resumesAtEdit() const { return m_resumesAt; }

protected:
    models::InputProblem prepare(models::OutboxAction *action) override;
    QString summary() const override;

private:
    QString m_id;
    QString m_customer;
    bool m_resume = false; // Paused now: the dialog resumes collection.
    QComboBox *m_behavior = nullptr;
    QCheckBox *m_autoResume = nullptr;
    QDateEdit *m_resumesAt = nullptr;
};

/*
 * Ends a subscription's trial now (its first invoice is charged at once) or extends it to a
 * later day.
 */
class TrialDialog final : public ActionDialog
{
    Q_OBJECT
public:
    TrialDialog(const QJsonObject &subscription, const QString &customerLabel,
                const Options &options, QWidget *parent = nullptr);

    QRadioButton *endNowButton() const { return m_endNow; }
    QRadioButton *extendButton() const { return m_extend; }
    QDateEdit *endEdit() const { return m_end; }

protected:
    models::InputProblem prepare(models::OutboxAction *action) override;
    QString summary() const override;

private:
    QString m_id;
    QString m_customer;
    qint64 m_trialEnd = 0;
    QRadioButton *m_endNow;
    QRadioButton *m_extend;
    QDateEdit *m_end;
};

/*
 * Applies a coupon to a subscription (replacing its discount), or the coupon of a promotion code
 * a customer gave (looked up with Stripe as it is typed), or removes its discount.
 */
class CouponDialog final : public ActionDialog
{
    Q_OBJECT
public:
    CouponDialog(const QJsonObject &subscription, const QString &customerLabel,
                 const QList<models::CouponChoice> &coupons, const Options &options,
                 QWidget *parent = nullptr);

    QComboBox *couponBox() const { return m_coupon; }
    // A promotion code a customer was given, looked up with Stripe as it is typed.
    QLineEdit *codeEdit() const { return m_code; }
    QLabel *codeLabel() const { return m_codeFound; }
    // Asks Stripe for the code typed now (also a moment after each change).
    void lookUpCode();
    // The promotion code (promo_…) Stripe found for the code typed now ("" while none).
    QString promotionCode() const;

protected:
    models::InputProblem prepare(models::OutboxAction *action) override;
    QString summary() const override;

private:
    QString m_id;
    QString m_customer;
    QString m_current; // The coupon of its discount now ("" for none).
    QString m_currency;
    QComboBox *m_coupon;
    QLineEdit *m_code;
    QLabel *m_codeFound;
    QTimer *m_codeDebounce;
    QString m_codeLookedUp; // The code the answer below is for.
    QString m_codeAsked;
    QString m_promotionCode; // Found for m_codeLookedUp ("" when none is active).
    QString m_codeProblem; // Why m_codeLookedUp cannot be applied.
};

/*
 * Changes the price or quantity of one of a subscription's items, adds an item ("New item" in
 * the item list) or removes one: the prices of its currency
 * from the catalogue, how Stripe prorates the change, and before anything is sent the preview of
 * the next invoice with the proration (GET /v1/invoices/upcoming) for the same instant the
 * change is then made at.
 */
class ChangePlanDialog final : public ActionDialog
{
    Q_OBJECT
public:
    ChangePlanDialog(const QJsonObject &subscription, const QString &customerLabel,
                     const QList<models::staffactions::ItemChoice> &items,
                     const QList<models::staffactions::PriceChoice> &prices, const Options &options,
                     QWidget *parent = nullptr);

    QComboBox *itemBox() const { return m_item; }
    // Deletes the chosen item instead of changing it.
    QCheckBox *removeBox() const { return m_remove; }
    QComboBox *priceBox() const { return m_price; }
    QSpinBox *quantityBox() const { return m_quantity; }
    QComboBox *prorationBox() const { return m_proration; }
    QLabel *previewLabel() const { return m_preview; }
    // The preview shown is of the change as the form is now.
    bool previewIsCurrent() const;
    // Asks for the preview of the form now (also after each change, a moment later).
    void refreshPreview();

protected:
    models::InputProblem prepare(models::OutboxAction *action) override;
    QString summary() const override;

private:
    models::staffactions::ItemChange change() const;
    void itemChosen();

    QString m_id;
    QString m_customer;
    QString m_currency;
    qint64 m_prorationDate;
    QList<models::staffactions::ItemChoice> m_items;
    QList<models::staffactions::PriceChoice> m_prices;
    QComboBox *m_item;
    QCheckBox *m_remove;
    QComboBox *m_price;
    QSpinBox *m_quantity;
    QComboBox *m_proration;
    QLabel *m_preview;
    QTimer *m_debounce;
    QByteArray m_previewed; // The change the preview shows (its encoded parameters).
    QByteArray m_requested; // The change last asked for.
};

} // namespace paydesk::ui
