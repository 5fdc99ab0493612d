#include "ui/statusbadge.h"

namespace paydesk::ui {

StatusBadge::StatusBadge(QWidget *parent)
    : StatusBadge(QString(), Tone::Neutral, parent)
{ }

StatusBadge::StatusBadge(const QString &text, Tone tone, QWidget *parent)
    : QLabel(text, parent)
    , m_tone(tone)
{
    setAlignment(Qt::AlignCenter);
    applyTone();
}

void StatusBadge::setTone(Tone tone)
{
    m_tone = tone;
    applyTone();
}

StatusBadge::Tone StatusBadge::toneFor(const QString &value)
{
    // "active;paused", "active;cancels;…": a live subscription that needs attention.
    if (value.contains(u';'))
        return Tone::Warning;
    const QString &status = value;
    static const QStringList good {QStringLiteral("succeeded"), QStringLiteral("active"),
                                   QStringLiteral("paid"),      QStringLiteral("won"),
                                   QStringLiteral("trialing"),  QStringLiteral("valid")};
    static const QStringList bad {QStringLiteral("failed"),
                                  QStringLiteral("past_due"),
                                  QStringLiteral("unpaid"),
                                  QStringLiteral("lost"),
                                  QStringLiteral("uncollectible"),
                                  QStringLiteral("needs_response"),
                                  QStringLiteral("warning_needs_response"),
                                  QStringLiteral("delinquent"),
                                  QStringLiteral("highest")};
    static const QStringList warn {QStringLiteral("disputed"),
                                   QStringLiteral("under_review"),
                                   QStringLiteral("warning_under_review"),
                                   QStringLiteral("open"),
                                   QStringLiteral("pending"),
                                   QStringLiteral("incomplete"),
                                   QStringLiteral("requires_action"),
                                   QStringLiteral("elevated"),
                                   QStringLiteral("paused")};
    static const QStringList info {QStringLiteral("refunded"), QStringLiteral("partially_refunded"),
                                   QStringLiteral("charge_refunded")};
    if (good.contains(status))
        return Tone::Success;
    if (bad.contains(status))
        return Tone::Danger;
    if (warn.contains(status))
        return Tone::Warning;
    if (info.contains(status))
        return Tone::Info;
    return Tone::Neutral;
}

std::pair<QColor, QColor> StatusBadge::colours(Tone tone)
{
    switch (tone) {
    case Tone::Success:
        return {QColor(0xd7, 0xf7, 0xc2), QColor(0x05, 0x69, 0x0d)};
    case Tone::Danger:
        return {QColor(0xff, 0xe7, 0xf2), QColor(0xb3, 0x09, 0x3c)};
    case Tone::Warning:
        return {QColor(0xff, 0xe3, 0xc9), QColor(0xa4, 0x3e, 0x00)};
    case Tone::Info:
        return {QColor(0xcf, 0xe6, 0xff), QColor(0x0a, 0x25, 0x40)};
    case Tone::Neutral:
        break;
    }
    return {QColor(0xe3, 0xe8, 0xee), QColor(0x41, 0x4a, 0x57)};
}

void StatusBadge::applyTone()
{
    // Foreground/background pairs with at least 4.5:1 contrast.
    QString fg, bg;
    switch (m_tone) {
    case Tone::Neutral:
        fg = QStringLiteral("#3c4257");
        bg = QStringLiteral("#e3e8ee");
        break;
    case Tone::Info:
        fg = QStringLiteral("#0a2540");
        bg = QStringLiteral("#cfe6ff");
        break;
    case Tone::Success:
        fg = QStringLiteral("#0e4d22");
        bg = QStringLiteral("#d1f5dc");
        break;
    case Tone::Warning:
        fg = QStringLiteral("#ffffff");
        bg = QStringLiteral("#b54b00");
        break;
    case Tone::Danger:
        fg = QStringLiteral("#8a0f1c");
        bg = QStringLiteral("#ffe1e4");
        break;
    }
    setStyleSheet(QStringLiteral("QLabel { color: %1; background: %2; border-radius: 8px;"
                                 " padding: 1px 8px; font-weight: 600; }")
                      .arg(fg, bg));
}

} // namespace paydesk::ui
