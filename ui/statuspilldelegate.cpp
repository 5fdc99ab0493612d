#include "ui/statuspilldelegate.h"

#include "models/views/cachetablemodel.h"
#include "ui/statusbadge.h"

#include <QPainter>

namespace paydesk::ui {

void StatusPillDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                               const QModelIndex &index) const
{
    QStyleOptionViewItem base = option;
    initStyleOption(&base, index);
    const QString text = base.text;
    base.text.clear();
    base.widget->style()->drawControl(QStyle::CE_ItemViewItem, &base, painter, base.widget);
    if (text.isEmpty())
        return;
    const QString status = index.data(models::CacheTableModel::RawRole).toString();
    const auto [background, foreground] = StatusBadge::colours(StatusBadge::toneFor(status));
    const QFontMetrics metrics(option.font);
    const int width = std::min(metrics.horizontalAdvance(text) + 16, option.rect.width() - 8);
    const int height = metrics.height() + 4;
    const QRect pill(option.rect.left() + 6, option.rect.center().y() - height / 2, width, height);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(background);
    painter->drawRoundedRect(pill, 4, 4);
    painter->setPen(foreground);
    painter->drawText(pill, Qt::AlignCenter,
                      metrics.elidedText(text, Qt::ElideRight, pill.width() - 8));
    painter->restore();
}

} // namespace paydesk::ui
