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
