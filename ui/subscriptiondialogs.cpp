#include "ui/subscriptiondialogs.h"

#include "models/actions/staffactions.h"
#include "models/money.h"
#include "network/stripeclient.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QFormLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QRadioButton>
#include <QSpinBox>
#include <QTimer>

namespace paydesk::ui {

namespace {

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

QString longDate(qint64 t)
{
    return QLocale().toString(QDateTime::fromSecsSinceEpoch(t).date(), QLocale::LongFormat);
}

QLabel *addWho(QFormLayout *form, const QString &id, const QString &customer, QWidget *parent)
{
    auto *who = new QLabel(QStringLiteral("%1 · %2").arg(id, customer), parent);
    who->setTextFormat(Qt::PlainText);
    who->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(ActionDialog::tr("Subscription"), who);
    return who;
}

QLabel *addText(QFormLayout *form, const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    // Wide enough to wrap on two or three lines, not to be cut off.
    label->setMinimumWidth(420);
    label->setMinimumHeight(label->heightForWidth(420));
    form->addRow(label);
    return label;
}

QDateEdit *dateEdit(const QDate &initial, const QDate &minimum, QWidget *parent)
{
    auto *edit = new QDateEdit(parent);
    edit->setCalendarPopup(true);
    edit->setDisplayFormat(QStringLiteral("d MMM yyyy")); // Unambiguous in every locale.
    edit->setMinimumDate(minimum);
    edit->setDate(initial);
    return edit;
}

// The start of `date` in this computer's time zone, as Unix time.
qint64 startOf(const QDate &date)
{
    return date.startOfDay().toSecsSinceEpoch();
}

} // namespace

PauseCollectionDialog::PauseCollectionDialog(const QJsonObject &sub, const QString &customerLabel,
                                             const Options &options, QWidget *parent)
    : ActionDialog(
        sub.value(QStringLiteral("pause_collection")).isObject() ? tr("Resume payment collection")
                                                                 : tr("Pause payment collection"),
        sub.value(QStringLiteral("pause_collection")).isObject() ? tr("Resume collection")
                                                                 : tr("Pause collection"),
        options, parent)
    , m_id(str(sub, "id"))
    , m_customer(customerLabel)
    , m_resume(sub.value(QStringLiteral("pause_collection")).isObject())
{
    setObjectName(QStringLiteral("pauseCollectionDialog"));
    setDismissText(tr("Close"));
    requireExplicitConfirm();
    addWho(form(), m_id, customerLabel, this);
    if (m_resume) {
        const QJsonObject pause = sub.value(QStringLiteral("pause_collection")).toObject();
        const qint64 at = pause.value(QStringLiteral("resumes_at")).toInteger();
        form()->addRow(tr("Paused"), new QLabel(str(pause, "behavior"), this));
        addText(form(),
                (at > 0 ? tr("Collection resumes by itself on %1. ").arg(longDate(at)) : QString())
                    + tr("Resuming now collects the invoices of the next periods as before; "
                         "invoices made while paused stay as they are."),
                this);
    } else {
        m_behavior = new QComboBox(this);
        m_behavior->setObjectName(QStringLiteral("pauseBehavior"));
        m_behavior->addItem(tr("Void the invoices (the customer owes nothing)"),
                            QStringLiteral("void"));
        m_behavior->addItem(tr("Keep the invoices as drafts (to collect later)"),
                            QStringLiteral("keep_as_draft"));
        m_behavior->addItem(tr("Mark the invoices uncollectible"),
                            QStringLiteral("mark_uncollectible"));
        form()->addRow(tr("While paused"), m_behavior);
        registerField(QStringLiteral("behavior"), m_behavior);
        m_autoResume = new QCheckBox(tr("Resume by itself on"), this);
        m_autoResume->setObjectName(QStringLiteral("pauseAutoResume"));
        const QDate tomorrow = QDate::currentDate().addDays(1);
        m_resumesAt = dateEdit(tomorrow.addMonths(1), tomorrow, this);
        m_resumesAt->setObjectName(QStringLiteral("pauseResumesAt"));
        m_resumesAt->setEnabled(false);
        form()->addRow(m_autoResume, m_resumesAt);
        registerField(QStringLiteral("resumes_at"), m_resumesAt);
        addText(form(),
                tr("The subscription stays active and keeps its periods; a paused subscription "
                   "adds nothing to MRR until collection resumes."),
                this);
        connect(m_autoResume, &QCheckBox::toggled, this, [this](bool on) {
            m_resumesAt->setEnabled(on);
            formChanged();
        });
        connect(m_behavior, &QComboBox::currentIndexChanged, this, [this] { formChanged(); });
        connect(m_resumesAt, &QDateEdit::dateChanged, this, [this] { formChanged(); });
    }
    blockUnlessAllowed(models::StaffAction::SubscriptionPause, sub);
    formChanged();
}

QString PauseCollectionDialog::summary() const
{
    if (m_resume)
        return tr("resume payment collection of subscription %1 of %2").arg(m_id, m_customer);
    return tr("pause payment collection of subscription %1 of %2 (%3)")
        .arg(m_id, m_customer, m_behavior->currentData().toString());
}

models::InputProblem PauseCollectionDialog::prepare(models::OutboxAction *action)
{
    if (m_resume) {
        *action = models::staffactions::resumeCollection(m_id);
        return {};
    }
    const QString behavior = m_behavior->currentData().toString();
    if (const models::InputProblem p = models::staffinput::pauseBehavior(behavior); !p.ok())
        return p;
    const qint64 at = m_autoResume->isChecked() ? startOf(m_resumesAt->date()) : 0;
    if (const models::InputProblem p
        = models::staffinput::resumesAt(at, QDateTime::currentSecsSinceEpoch());
        !p.ok())
        return p;
    *action = models::staffactions::pauseCollection(m_id, behavior, at);
    return {};
}

TrialDialog::TrialDialog(const QJsonObject &sub, const QString &customerLabel,
                         const Options &options, QWidget *parent)
    : ActionDialog(tr("Change trial"), tr("Change trial"), options, parent)
    , m_id(str(sub, "id"))
    , m_customer(customerLabel)
    , m_trialEnd(sub.value(QStringLiteral("trial_end")).toInteger())
{
    setObjectName(QStringLiteral("trialDialog"));
    setDismissText(tr("Close"));
    requireExplicitConfirm();
    addWho(form(), m_id, customerLabel, this);
    form()->addRow(tr("Trial ends"),
                   new QLabel(m_trialEnd > 0 ? longDate(m_trialEnd) : tr("—"), this));
    m_extend = new QRadioButton(tr("Extend the trial to"), this);
    m_extend->setObjectName(QStringLiteral("trialExtend"));
    const QDate tomorrow = QDate::currentDate().addDays(1);
    const QDate current
        = m_trialEnd > 0 ? QDateTime::fromSecsSinceEpoch(m_trialEnd).date() : tomorrow;
    m_end = dateEdit(std::max(tomorrow, current.addDays(7)), tomorrow, this);
    m_end->setObjectName(QStringLiteral("trialEnd"));
    m_end->setMaximumDate(QDate::currentDate().addYears(2));
    m_endNow
        = new QRadioButton(tr("End the trial now: the first invoice is charged at once"), this);
    m_endNow->setObjectName(QStringLiteral("trialEndNow"));
    m_extend->setChecked(true);
    form()->addRow(m_extend, m_end);
    form()->addRow(QString(), m_endNow);
    registerField(QStringLiteral("trial_end"), m_end);
    connect(m_extend, &QRadioButton::toggled, this, [this](bool on) {
        m_end->setEnabled(on);
        formChanged();
    });
    connect(m_end, &QDateEdit::dateChanged, this, [this] { formChanged(); });
    blockUnlessAllowed(models::StaffAction::SubscriptionTrial, sub);
    formChanged();
}

QString TrialDialog::summary() const
{
    if (m_endNow->isChecked())
        return tr("end the trial of subscription %1 of %2 now and charge its first invoice")
            .arg(m_id, m_customer);
    return tr("extend the trial of subscription %1 of %2 to %3")
        .arg(m_id, m_customer, QLocale().toString(m_end->date(), QLocale::LongFormat));
}

models::InputProblem TrialDialog::prepare(models::OutboxAction *action)
{
    if (m_endNow->isChecked()) {
        *action = models::staffactions::setTrialEnd(m_id, 0);
        return {};
    }
    const qint64 end = startOf(m_end->date());
    if (const models::InputProblem p
        = models::staffinput::trialEnd(end, QDateTime::currentSecsSinceEpoch());
        !p.ok())
        return p;
    *action = models::staffactions::setTrialEnd(m_id, end);
    return {};
}

CouponDialog::CouponDialog(const QJsonObject &sub, const QString &customerLabel,
                           const QList<models::CouponChoice> &coupons, const Options &options,
                           QWidget *parent)
    : ActionDialog(tr("Coupon"), tr("Apply"), options, parent)
    , m_id(str(sub, "id"))
    , m_customer(customerLabel)
    , m_current(str(sub.value(QStringLiteral("discount"))
                        .toObject()
                        .value(QStringLiteral("coupon"))
                        .toObject(),
                    "id"))
    , m_currency(str(sub, "currency"))
    , m_coupon(new QComboBox(this))
    , m_code(new QLineEdit(this))
    , m_codeFound(new QLabel(this))
    , m_codeDebounce(new QTimer(this))
{
    setObjectName(QStringLiteral("couponDialog"));
    setDismissText(tr("Close"));
    requireExplicitConfirm();
    addWho(form(), m_id, customerLabel, this);
    form()->addRow(tr("Now"), new QLabel(m_current.isEmpty() ? tr("No coupon") : m_current, this));
    m_coupon->setObjectName(QStringLiteral("couponChoice"));
    m_coupon->addItem(tr("No coupon (remove the discount)"), QString());
    for (const models::CouponChoice &c : coupons)
        m_coupon->addItem(c.label, c.id);
    m_coupon->setCurrentIndex(std::max(0, m_coupon->findData(m_current)));
    form()->addRow(tr("Coupon"), m_coupon);
    registerField(QStringLiteral("coupon"), m_coupon);
    m_code->setObjectName(QStringLiteral("promotionCode"));
    m_code->setPlaceholderText(tr("Or a promotion code the customer gave"));
    m_code->setAccessibleName(tr("Promotion code"));
    m_code->setMaxLength(500);
    form()->addRow(tr("Promotion code"), m_code);
    registerField(QStringLiteral("promotion_code"), m_code);
    m_codeFound->setObjectName(QStringLiteral("promotionCodeFound"));
    m_codeFound->setTextFormat(Qt::PlainText);
    m_codeFound->setWordWrap(true);
    form()->addRow(QString(), m_codeFound);
    m_codeDebounce->setSingleShot(true);
    m_codeDebounce->setInterval(400);
    connect(m_codeDebounce, &QTimer::timeout, this, &CouponDialog::lookUpCode);
    connect(m_code, &QLineEdit::textChanged, this, [this] {
        m_coupon->setEnabled(m_code->text().trimmed().isEmpty());
        m_codeFound->clear();
        m_codeDebounce->start();
        formChanged();
    });
    addText(form(),
            tr("The coupon applies to this subscription's next invoices; invoices already made "
               "keep their discount."),
            this);
    connect(m_coupon, &QComboBox::currentIndexChanged, this, [this] { formChanged(); });
    blockUnlessAllowed(models::StaffAction::SubscriptionCoupon, sub);
    formChanged();
}

void CouponDialog::lookUpCode()
{
    m_codeDebounce->stop();
    const QString code = m_code->text().trimmed();
    if (code.isEmpty() || code == m_codeAsked || !outbox() || !outbox()->client())
        return;
    m_codeAsked = code;
    m_codeFound->setText(tr("Looking up %1 with Stripe…").arg(code));
    network::StripeRequest find;
    find.method = "GET";
    find.path = QStringLiteral("/v1/promotion_codes");
    find.params.add(QStringLiteral("code"), code);
    find.params.add(QStringLiteral("limit"), 10);
    outbox()->client()->send(find, this, [this, code](const network::StripeResponse &r) {
        if (code != m_codeAsked)
            return; // Typed on meanwhile: a newer answer is on its way.
        m_codeLookedUp = code;
        m_promotionCode.clear();
        m_codeProblem.clear();
        if (!r.ok()) {
            m_codeProblem = models::staffactions::readError(r.error).message;
            m_codeAsked.clear(); // Asked again on confirm.
        } else {
            const QJsonArray found = r.json.value(QStringLiteral("data")).toArray();
            m_codeProblem = found.isEmpty()
                ? tr("Stripe has no promotion code %1.").arg(code)
                : tr("The promotion code %1 is no longer active.").arg(code);
            for (const QJsonValue &v : found) {
                const QJsonObject promo = v.toObject();
                const qint64 expires = promo.value(QStringLiteral("expires_at")).toInteger(0);
                if (!promo.value(QStringLiteral("active")).toBool()
                    || (expires > 0 && expires <= QDateTime::currentSecsSinceEpoch()))
                    continue;
                const QJsonObject coupon = promo.value(QStringLiteral("coupon")).toObject();
                const QString cc = coupon.value(QStringLiteral("currency")).toString();
                if (!coupon.value(QStringLiteral("valid")).toBool(true))
                    m_codeProblem = tr("The coupon of %1 is no longer valid.").arg(code);
                else if (!coupon.value(QStringLiteral("amount_off")).isNull() && !cc.isEmpty()
                         && cc != m_currency)
                    m_codeProblem = tr("%1 takes an amount in %2 off; the subscription is "
                                       "billed in %3.")
                                        .arg(code, cc.toUpper(), m_currency.toUpper());
                else {
                    m_codeProblem.clear();
                    m_promotionCode = promo.value(QStringLiteral("id")).toString();
                    const QString name = coupon.value(QStringLiteral("name")).toString();
                    m_codeFound->setText(
                        tr("%1: %2 (coupon %3)")
                            .arg(code,
                                 name.isEmpty() ? coupon.value(QStringLiteral("id")).toString()
                                                : name,
                                 coupon.value(QStringLiteral("id")).toString()));
                }
                break;
            }
        }
        if (!m_codeProblem.isEmpty())
            m_codeFound->setText(m_codeProblem);
        formChanged();
    });
}

QString CouponDialog::promotionCode() const
{
    return m_codeLookedUp == m_code->text().trimmed() ? m_promotionCode : QString();
}

QString CouponDialog::summary() const
{
    if (!m_code->text().trimmed().isEmpty())
        return tr("apply promotion code %1 to subscription %2 of %3")
            .arg(m_code->text().trimmed(), m_id, m_customer);
    const QString coupon = m_coupon->currentData().toString();
    return coupon.isEmpty()
        ? tr("remove the discount of subscription %1 of %2").arg(m_id, m_customer)
        : tr("apply coupon %1 to subscription %2 of %3").arg(coupon, m_id, m_customer);
}

models::InputProblem CouponDialog::prepare(models::OutboxAction *action)
{
    const QString code = m_code->text().trimmed();
    if (!code.isEmpty()) {
        if (m_codeLookedUp != code) {
            lookUpCode();
            return {QStringLiteral("promotion_code"),
                    tr("Wait until Stripe has found the code, then confirm.")};
        }
        if (m_promotionCode.isEmpty())
            return {QStringLiteral("promotion_code"), m_codeProblem};
        *action = models::staffactions::setPromotionCode(m_id, m_promotionCode);
        return {};
    }
    const QString coupon = m_coupon->currentData().toString();
    if (coupon == m_current)
        return {QStringLiteral("coupon"),
                coupon.isEmpty() ? tr("The subscription has no coupon to remove.")
                                 : tr("The subscription has this coupon already.")};
    *action = models::staffactions::setCoupon(m_id, coupon);
    return {};
}

ChangePlanDialog::ChangePlanDialog(const QJsonObject &sub, const QString &customerLabel,
                                   const QList<models::staffactions::ItemChoice> &items,
                                   const QList<models::staffactions::PriceChoice> &prices,
                                   const Options &options, QWidget *parent)
    : ActionDialog(tr("Change plan"), tr("Change plan"), options, parent)
    , m_id(str(sub, "id"))
    , m_customer(customerLabel)
    , m_currency(str(sub, "currency"))
    , m_prorationDate(QDateTime::currentSecsSinceEpoch())
    , m_items(items)
    , m_prices(prices)
    , m_item(new QComboBox(this))
    , m_remove(new QCheckBox(tr("Remove this item from the subscription"), this))
    , m_price(new QComboBox(this))
    , m_quantity(new QSpinBox(this))
    , m_proration(new QComboBox(this))
    , m_preview(new QLabel(this))
    , m_debounce(new QTimer(this))
{
    setObjectName(QStringLiteral("changePlanDialog"));
    setDismissText(tr("Close"));
    requireExplicitConfirm();
    addWho(form(), m_id, customerLabel, this);
    m_item->setObjectName(QStringLiteral("planItem"));
    for (const models::staffactions::ItemChoice &i : items)
        m_item->addItem(i.label, i.id);
    m_item->addItem(tr("New item…"), QString()); // Last: the price chosen below is added.
    form()->addRow(tr("Item"), m_item);
    m_remove->setObjectName(QStringLiteral("planRemove"));
    form()->addRow(QString(), m_remove);
    registerField(QStringLiteral("remove"), m_remove);
    m_price->setObjectName(QStringLiteral("planPrice"));
    for (const models::staffactions::PriceChoice &p : prices)
        m_price->addItem(p.label, p.id);
    form()->addRow(tr("Price"), m_price);
    registerField(QStringLiteral("price"), m_price);
    m_quantity->setObjectName(QStringLiteral("planQuantity"));
    m_quantity->setRange(1, 10000000);
    form()->addRow(tr("Quantity"), m_quantity);
    registerField(QStringLiteral("quantity"), m_quantity);
    m_proration->setObjectName(QStringLiteral("planProration"));
    m_proration->addItem(tr("Prorate on the next invoice"), QStringLiteral("create_prorations"));
    m_proration->addItem(tr("Prorate and invoice it now"), QStringLiteral("always_invoice"));
    m_proration->addItem(tr("No proration"), QStringLiteral("none"));
    form()->addRow(tr("Proration"), m_proration);
    registerField(QStringLiteral("proration"), m_proration);
    m_preview->setObjectName(QStringLiteral("planPreview"));
    m_preview->setWordWrap(true);
    m_preview->setTextFormat(Qt::PlainText);
    m_preview->setMinimumWidth(420);
    m_preview->setMinimumHeight(m_preview->fontMetrics().lineSpacing() * 3);
    form()->addRow(tr("Preview"), m_preview);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(300);
    connect(m_debounce, &QTimer::timeout, this, &ChangePlanDialog::refreshPreview);
    connect(m_item, &QComboBox::currentIndexChanged, this, [this] { itemChosen(); });
    const auto changed = [this] {
        m_debounce->start();
        formChanged();
    };
    connect(m_price, &QComboBox::currentIndexChanged, this, changed);
    connect(m_quantity, &QSpinBox::valueChanged, this, changed);
    connect(m_proration, &QComboBox::currentIndexChanged, this, changed);
    connect(m_remove, &QCheckBox::toggled, this, [this, changed] {
        m_price->setEnabled(!m_remove->isChecked());
        m_quantity->setEnabled(!m_remove->isChecked());
        changed();
    });
    itemChosen();
    if (!blockUnlessAllowed(models::StaffAction::SubscriptionUpdate, sub) && items.isEmpty())
        setBlocked(tr("The cache has no items of this subscription; sync it first."));
    formChanged();
}

void ChangePlanDialog::itemChosen()
{
    const int i = m_item->currentIndex();
    if (i < 0)
        return;
    const bool adding = i >= m_items.size();
    // A subscription keeps at least one item; a new one has nothing to remove.
    m_remove->setEnabled(!adding && m_items.size() > 1);
    if (!m_remove->isEnabled())
        m_remove->setChecked(false);
    const QSignalBlocker a(m_price), b(m_quantity);
    if (adding) {
        m_quantity->setValue(1);
    } else {
        m_price->setCurrentIndex(std::max(0, m_price->findData(m_items.at(i).price)));
        m_quantity->setValue(int(m_items.at(i).quantity));
    }
    m_debounce->start();
    formChanged();
}

models::staffactions::ItemChange ChangePlanDialog::change() const
{
    models::staffactions::ItemChange c;
    c.subscription = m_id;
    c.item = m_item->currentData().toString();
    c.remove = m_remove->isChecked();
    if (!c.remove) {
        c.price = m_price->currentData().toString();
        c.quantity = m_quantity->value();
    }
    c.proration = m_proration->currentData().toString();
    c.prorationDate = m_prorationDate;
    return c;
}

bool ChangePlanDialog::previewIsCurrent() const
{
    return !m_previewed.isEmpty()
        && m_previewed == models::staffactions::upcomingInvoice(change()).params.encode();
}

void ChangePlanDialog::refreshPreview()
{
    m_debounce->stop();
    const network::StripeRequest request = models::staffactions::upcomingInvoice(change());
    const QByteArray key = request.params.encode();
    if (key == m_requested || !outbox() || !outbox()->client() || m_item->currentIndex() < 0)
        return;
    m_requested = key;
    m_preview->setText(tr("Asking Stripe for the next invoice…"));
    outbox()->client()->send(request, this, [this, key](const network::StripeResponse &r) {
        if (key != m_requested)
            return; // The form changed meanwhile: a newer preview is on its way.
        if (!r.ok()) {
            m_previewed.clear();
            m_preview->setText(
                tr("No preview: %1").arg(models::staffactions::readError(r.error).message));
            formChanged();
            return;
        }
        const qint64 proration = models::staffactions::prorationTotal(r.json);
        const qint64 due = r.json.value(QStringLiteral("amount_due")).toInteger();
        const QString when = QLocale().toString(
            QDateTime::fromSecsSinceEpoch(
                r.json.value(QStringLiteral("next_payment_attempt")).toInteger())
                .date(),
            QStringLiteral("d MMM yyyy"));
        const QString prorationText = proration == 0
            ? tr("No proration.")
            : tr("Proration: %1 (%2).")
                  .arg(models::Money(proration, m_currency).toString(QLocale()),
                       proration < 0 ? tr("a credit") : tr("a charge"));
        m_preview->setText(
            tr("%1 Next invoice: %2 on %3.")
                .arg(prorationText, models::Money(due, m_currency).toString(QLocale()), when));
        m_previewed = key;
        formChanged();
    });
}

QString ChangePlanDialog::summary() const
{
    if (m_remove->isChecked())
        return tr("remove %1 from subscription %2 of %3")
            .arg(m_item->currentText(), m_id, m_customer);
    if (m_item->currentIndex() >= m_items.size())
        return tr("add %1 × %2 to subscription %3 of %4")
            .arg(m_price->currentText())
            .arg(m_quantity->value())
            .arg(m_id, m_customer);
    return tr("change %1 of subscription %2 of %3 to %4 × %5")
        .arg(m_item->currentText(), m_id, m_customer)
        .arg(m_quantity->value())
        .arg(m_price->currentText());
}

models::InputProblem ChangePlanDialog::prepare(models::OutboxAction *action)
{
    const int i = m_item->currentIndex();
    if (i < 0)
        return {QStringLiteral("price"), tr("Choose the item to change.")};
    const bool adding = i >= m_items.size();
    const QString price = m_price->currentData().toString();
    if (adding) {
        if (price.isEmpty())
            return {QStringLiteral("price"), tr("Choose the price of the new item.")};
        QString interval;
        for (const models::staffactions::PriceChoice &p : std::as_const(m_prices))
            if (p.id == price)
                interval = p.interval;
        for (const models::staffactions::ItemChoice &item : std::as_const(m_items)) {
            if (item.price == price)
                return {QStringLiteral("price"),
                        tr("The subscription has an item of this price already: change its "
                           "quantity instead.")};
            for (const models::staffactions::PriceChoice &p : std::as_const(m_prices))
                if (p.id == item.price && p.interval != interval)
                    return {QStringLiteral("price"),
                            tr("Every item of a subscription bills at one interval: this price "
                               "bills at another.")};
        }
    } else if (m_remove->isChecked()) {
        if (m_items.size() < 2)
            return {QStringLiteral("remove"),
                    tr("A subscription needs at least one item; to end it, cancel it.")};
    } else if (m_items.at(i).price == price && m_items.at(i).quantity == m_quantity->value())
        return {QStringLiteral("price"),
                tr("This is the item's price and quantity now: nothing to change.")};
    if (!previewIsCurrent()) {
        refreshPreview();
        return {QStringLiteral("price"),
                tr("Wait for the preview of this change, then confirm it.")};
    }
    *action = models::staffactions::updateSubscriptionItem(change());
    return {};
}

} // namespace paydesk::ui
