#include "ui/tablepage.h"

#include "models/daterange.h"
#include "models/store/cachereader.h"
#include "models/views/objectdetail.h"
#include "ui/detailpanel.h"
#include "ui/statuspilldelegate.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QDesktopServices>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTimeZone>
#include <QTimer>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace paydesk::ui {

namespace {

enum Range { AllTime, Today, Last7, Last30, ThisMonth, Last12Months, Custom };

} // namespace

TablePage::TablePage(const QString &key, const QString &title, models::CacheTableModel *model,
                     QWidget *parent)
    : QWidget(parent)
    , m_key(key)
    , m_model(model)
    , m_search(new QLineEdit(this))
    , m_range(new QComboBox(this))
    , m_from(new QDateEdit(this))
    , m_to(new QDateEdit(this))
    , m_filters(new QHBoxLayout)
    , m_chipBar(new QWidget(this))
    , m_chipLayout(new QHBoxLayout(m_chipBar))
    , m_count(new QLabel(this))
    , m_splitter(new QSplitter(this))
    , m_body(new QStackedWidget(this))
    , m_table(new QTableView(this))
    , m_empty(new QLabel(this))
    , m_detail(new DetailPanel(this))
    , m_searchDelay(new QTimer(this))
    , m_saveColumns(new QTimer(this))
{
    m_model->setParent(this);
    auto *heading = new QLabel(title, this);
    QFont big = heading->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    heading->setFont(big);

    m_search->setObjectName(key + QStringLiteral("Search"));
    m_search->setClearButtonEnabled(true);
    m_range->setObjectName(QStringLiteral("rangeFilter"));
    m_range->addItem(tr("All time"), AllTime);
    m_range->addItem(tr("Today"), Today);
    m_range->addItem(tr("Last 7 days"), Last7);
    m_range->addItem(tr("Last 30 days"), Last30);
    m_range->addItem(tr("This month"), ThisMonth);
    m_range->addItem(tr("Last 12 months"), Last12Months);
    m_range->addItem(tr("Custom…"), Custom);
    for (QDateEdit *edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QLocale().dateFormat(QLocale::ShortFormat));
        edit->hide();
    }
    m_from->setObjectName(QStringLiteral("rangeFrom"));
    m_to->setObjectName(QStringLiteral("rangeTo"));
    m_from->setToolTip(tr("From (inclusive)"));
    m_to->setToolTip(tr("To (inclusive)"));
    m_from->setDate(QDate::currentDate().addDays(-30));
    m_to->setDate(QDate::currentDate());

    m_filters->addWidget(m_search, 1);
    m_filters->addWidget(m_range);
    m_filters->addWidget(m_from);
    m_filters->addWidget(m_to);

    m_chipBar->setObjectName(key + QStringLiteral("Chips"));
    m_chipLayout->setContentsMargins(0, 0, 0, 0);
    m_chipLayout->setSpacing(6);
    m_count->setObjectName(key + QStringLiteral("Count"));
    auto *countRow = new QHBoxLayout;
    countRow->addWidget(m_count);
    countRow->addWidget(m_chipBar, 1);

    m_table->setObjectName(key + QStringLiteral("Table"));
    m_table->setModel(m_model);
    // The indicator first: enabling sorting sorts by it at once.
    m_table->horizontalHeader()->setSortIndicator(m_model->sortColumn(), m_model->sortOrder());
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    // One Tab stop: the arrows move between rows, Tab goes on to the detail panel (Tab moving
    // from cell to cell scrolled the Amount column out of sight).
    m_table->setTabKeyNavigation(false);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(30);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    const auto &columns = m_model->tableColumns();
    for (int c = 0; c < columns.size(); ++c) {
        const auto kind = columns.at(c).kind;
        if (kind == models::TableColumn::Kind::Status)
            m_table->setItemDelegateForColumn(c, new StatusPillDelegate(m_table));
        m_table->setColumnWidth(c,
                                kind == models::TableColumn::Kind::Money        ? 120
                                    : kind == models::TableColumn::Kind::Status ? 150
                                    : kind == models::TableColumn::Kind::Date   ? 165
                                                                                : 170);
    }

    m_empty->setObjectName(key + QStringLiteral("Empty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_body->setObjectName(key + QStringLiteral("Body"));
    m_body->addWidget(m_table);
    m_body->addWidget(m_empty);
    m_splitter->setObjectName(key + QStringLiteral("Splitter"));
    m_splitter->addWidget(m_body);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);
    m_detail->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 12);
    layout->setSpacing(10);
    layout->addWidget(heading);
    layout->addLayout(m_filters);
    layout->addLayout(countRow);
    layout->addWidget(m_splitter, 1);

    // Ctrl+C copies whole rows (the view alone would copy one cell).
    m_table->installEventFilter(this);
    auto *closeDetail = new QAction(this);
    closeDetail->setShortcut(Qt::Key_Escape);
    closeDetail->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(closeDetail, &QAction::triggered, m_detail, &QWidget::hide);
    addAction(closeDetail);

    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(150);
    m_searchDelay->setObjectName(QStringLiteral("searchDelay"));
    connect(m_searchDelay, &QTimer::timeout, this, &TablePage::filtersChanged);
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        const bool custom = m_range->currentData().toInt() == Custom;
        m_from->setVisible(custom);
        m_to->setVisible(custom);
        filtersChanged();
    });
    connect(m_from, &QDateEdit::dateChanged, this, &TablePage::filtersChanged);
    connect(m_to, &QDateEdit::dateChanged, this, &TablePage::filtersChanged);
    connect(m_model, &models::CacheTableModel::totalCountChanged, this, &TablePage::updateCount);
    connect(m_table, &QWidget::customContextMenuRequested, this, &TablePage::showContextMenu);
    connect(m_table->horizontalHeader(), &QWidget::customContextMenuRequested, this,
            &TablePage::showHeaderMenu);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &TablePage::showSelected);
    connect(m_table, &QTableView::activated, this, &TablePage::showSelected);
    connect(m_detail, &DetailPanel::openObject, this, &TablePage::openObject);
    connect(m_detail, &DetailPanel::showCustomerRows, this, &TablePage::showCustomerRows);
    connect(m_detail, &DetailPanel::closeRequested, m_detail, &QWidget::hide);
    connect(m_detail, &DetailPanel::actionRequested, this, &TablePage::actionRequested);
    // From the table, Tab goes on to the object's actions, as the screen reads.
    m_detail->setTabPredecessor(m_table);
    m_saveColumns->setSingleShot(true);
    m_saveColumns->setInterval(300);
    connect(m_saveColumns, &QTimer::timeout, this, &TablePage::saveColumns);
    QHeaderView *header = m_table->horizontalHeader();
    for (auto signal : {&QHeaderView::sectionMoved, &QHeaderView::sectionResized}) {
        connect(header, signal, this, [this] {
            if (!m_restoring)
                m_saveColumns->start();
        });
    }
}

bool TablePage::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_table && event->type() == QEvent::KeyPress
        && static_cast<QKeyEvent *>(event)->matches(QKeySequence::Copy)) {
        QApplication::clipboard()->setText(selectionText());
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void TablePage::addFilterWidget(QWidget *widget)
{
    m_filters->insertWidget(m_filters->count() - 2, widget); // Before the custom dates.
}

void TablePage::setReader(models::CacheReader *reader)
{
    if (m_reader)
        disconnect(m_reader, nullptr, this, nullptr);
    m_reader = reader;
    m_detail->setReader(reader);
    connect(reader, &models::CacheReader::reopened, this, &TablePage::readerReopened);
    connect(reader, &models::CacheReader::changed, this, &TablePage::tablesChanged);
    readerReopened();
}

void TablePage::setCache(const QString &path)
{
    if (!m_reader && path.isEmpty()) {
        m_cachePath.clear();
        updateCount();
        return;
    }
    if (!m_reader)
        setReader(new models::CacheReader(this)); // A page shown on its own.
    m_reader->open(path);
}

void TablePage::readerReopened()
{
    const QString path = m_reader->isOpen() ? m_reader->path() : QString();
    m_cachePath = path;
    m_detail->clear();
    m_detail->hide();
    if (!path.isEmpty() && m_model->open(&m_reader->database(), path)) {
        cacheChanged(path);
        filtersChanged();
        restoreColumns(); // Once: the header keeps its layout across model resets.
        return;
    }
    m_cachePath.clear();
    updateCount();
}

void TablePage::tablesChanged(const QStringList &tables)
{
    if (m_cachePath.isEmpty() || !models::touches(tables, m_model->tablesRead()))
        return;
    // The filter menus offer values of the page's own objects (and of what they embed): read
    // again only when those changed, not on every commit to a table a column reads.
    if (tables.contains(m_model->table()))
        cacheChanged(m_cachePath);
    refresh();
}

void TablePage::setTestMode(bool testMode)
{
    m_testMode = testMode;
    m_detail->setTestMode(testMode);
}

void TablePage::cacheChanged(const QString &) { }

QPushButton *TablePage::addActionButton(const QString &text, const QString &action)
{
    auto *button = new QPushButton(text, this);
    button->setObjectName(QStringLiteral("pageAction_") + action);
    connect(button, &QPushButton::clicked, this,
            [this, action] { Q_EMIT actionRequested(action, QString()); });
    m_filters->addWidget(button);
    m_actionButtons.append(button);
    return button;
}

void TablePage::setDeniedPermission(const QString &permission)
{
    m_denied = permission;
    updateCount();
}

void TablePage::setActionReasons(const QHash<QString, QString> &reasons)
{
    m_detail->setActionReasons(reasons);
    for (QPushButton *b : std::as_const(m_actionButtons)) {
        const QString reason
            = reasons.value(b->objectName().mid(QStringLiteral("pageAction_").size()));
        b->setEnabled(reason.isEmpty());
        b->setToolTip(reason);
    }
}

void TablePage::refresh()
{
    if (m_cachePath.isEmpty())
        return;
    const QString shown = m_detail->isVisible() ? m_detail->detail().id : QString();
    filtersChanged();
    if (!shown.isEmpty())
        m_detail->showObject(m_model->table(), shown);
    Q_EMIT refreshed();
}

void TablePage::filterByCustomer(const QString &customerId, const QString &label)
{
    m_customer = customerId;
    m_customerLabel = label.isEmpty() ? customerId : label;
    filtersChanged();
}

QList<TablePage::Chip> TablePage::standardChips(const QList<QComboBox *> &boxes)
{
    QList<Chip> list;
    if (!rangeText().isEmpty())
        list.append({tr("Date: %1").arg(rangeText()), [this] {
                         clearRange();
                     }});
    for (QComboBox *box : boxes) {
        if (box && box->currentIndex() > 0)
            list.append({box->currentText(), [box] {
                             box->setCurrentIndex(0);
                         }});
    }
    if (!m_customer.isEmpty())
        list.append({tr("Customer: %1").arg(m_customerLabel), [this] {
                         m_customer.clear();
                     }});
    return list;
}

void TablePage::createdRange(qint64 *from, qint64 *to) const
{
    // Whole days of the reporting time zone, as on Home and Analytics.
    namespace dates = models::dates;
    const QTimeZone zone = dates::reportingZone();
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    dates::Span span;
    switch (m_range->currentData().toInt()) {
    case Today:
        span = dates::lastDays(1, now, zone);
        break;
    case Last7:
        span = dates::lastDays(7, now, zone);
        break;
    case Last30:
        span = dates::lastDays(30, now, zone);
        break;
    case ThisMonth:
        span = dates::lastMonths(1, now, zone);
        break;
    case Last12Months:
        span = dates::lastMonths(12, now, zone);
        break;
    case Custom:
        // Both days included.
        span = dates::days(m_from->date(), m_to->date(), zone);
        break;
    default:
        break;
    }
    *from = span.from;
    *to = span.to;
}

void TablePage::clearRange()
{
    m_range->setCurrentIndex(0);
}

QString TablePage::rangeText() const
{
    if (m_range->currentData().toInt() == AllTime)
        return {};
    if (m_range->currentData().toInt() == Custom)
        return tr("%1 – %2").arg(QLocale().toString(m_from->date(), QLocale::ShortFormat),
                                 QLocale().toString(m_to->date(), QLocale::ShortFormat));
    return m_range->currentText();
}

void TablePage::filtersChanged()
{
    if (!m_model->isOpen()) {
        updateChips();
        return;
    }
    applyFilter();
    updateChips();
}

void TablePage::updateChips()
{
    while (QLayoutItem *item = m_chipLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_chips = chips();
    for (int i = 0; i < m_chips.size(); ++i) {
        auto *chip = new QToolButton(m_chipBar);
        chip->setObjectName(QStringLiteral("chip"));
        chip->setText(m_chips.at(i).text + QStringLiteral("  ✕"));
        chip->setToolTip(tr("Remove this filter"));
        chip->setAutoRaise(false);
        chip->setStyleSheet(QStringLiteral(
            "QToolButton { background: #efeefe; color: #3d33cc; border: 1px solid #c9c5fb; "
            "border-radius: 10px; padding: 1px 8px; }"));
        connect(chip, &QToolButton::clicked, this, [this, i] {
            // Deferred: removing the chip rebuilds the bar this button is in.
            QTimer::singleShot(0, this, [this, i] { removeChip(i); });
        });
        m_chipLayout->addWidget(chip);
    }
    m_chipLayout->addStretch(1);
}

QStringList TablePage::chipTexts() const
{
    QStringList texts;
    for (const Chip &chip : m_chips)
        texts.append(chip.text);
    return texts;
}

void TablePage::removeChip(int index)
{
    if (index < 0 || index >= m_chips.size())
        return;
    m_chips.at(index).clear();
    filtersChanged();
}

void TablePage::updateCount()
{
    const bool noCache = m_cachePath.isEmpty();
    const qint64 total = noCache ? 0 : m_model->totalCount();
    m_count->setText(noCache ? QString() : countText(total, m_model->isTotalExact()));
    const bool filtered = !m_chips.isEmpty() || !m_search->text().isEmpty();
    m_empty->setText(!noCache && !filtered && !m_denied.isEmpty()
                         ? tr("This API key may not read these: Stripe refused to list them "
                              "(it lacks the %1 permission). Connect with a key that has it, or "
                              "a secret key.")
                               .arg(m_denied)
                         : emptyText(noCache, filtered));
    m_body->setCurrentWidget(total > 0 ? static_cast<QWidget *>(m_table) : m_empty);
}

QString TablePage::selectionText() const
{
    QList<int> rows;
    const QModelIndexList selected = m_table->selectionModel()->selectedRows();
    for (const QModelIndex &index : selected)
        rows.append(index.row());
    std::sort(rows.begin(), rows.end());
    if (rows.isEmpty())
        return {};
    QStringList lines;
    QStringList header {QStringLiteral("ID")};
    for (int c = 0; c < m_model->columnCount(); ++c)
        header.append(m_model->headerData(c, Qt::Horizontal).toString());
    lines.append(header.join(u'\t'));
    for (int row : rows)
        lines.append(m_model->idAt(row) + u'\t' + m_model->rowText(row));
    return lines.join(u'\n') + u'\n';
}

void TablePage::openDetail()
{
    if (m_detail->isVisible())
        return;
    // The table keeps most of the width; the panel takes what its text needs.
    const int total = m_splitter->width();
    const int panel = std::max(m_detail->minimumWidth(), total * 2 / 5);
    m_detail->show();
    m_splitter->setSizes({std::max(0, total - panel), panel});
}

void TablePage::showSelected()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid())
        return;
    openDetail();
    m_detail->showObject(m_model->table(), m_model->idAt(current.row()));
}

void TablePage::showObject(const QString &id)
{
    // Selected when it is among the loaded rows; the panel shows it either way.
    for (int row = 0; row < std::min(m_model->rowCount(), 2000); ++row) {
        if (m_model->idAt(row) == id) {
            m_table->selectRow(row);
            m_table->scrollTo(m_model->index(row, 0));
            break;
        }
    }
    openDetail();
    m_detail->showObject(m_model->table(), id);
}

void TablePage::showContextMenu(const QPoint &pos)
{
    const QModelIndex index = m_table->indexAt(pos);
    QMenu menu(this);
    if (index.isValid()) {
        const QString id = m_model->idAt(index.row());
        menu.addAction(tr("Show details"), this, [this, id] { showObject(id); });
        menu.addAction(tr("Copy"), this,
                       [this] { QApplication::clipboard()->setText(selectionText()); });
        menu.addAction(tr("Copy ID"), this, [id] { QApplication::clipboard()->setText(id); });
        menu.addAction(tr("Open in Stripe Dashboard"), this, [this, id] {
            QDesktopServices::openUrl(
                QUrl(models::ObjectDetail::dashboardUrl(m_model->table(), id, m_testMode)));
        });
        menu.addSeparator();
    }
    menu.addAction(tr("Export view to CSV…"), this,
                   [this] { exportWithDialog(models::CacheTableModel::Format::Csv); });
    menu.addAction(tr("Export view as JSON…"), this,
                   [this] { exportWithDialog(models::CacheTableModel::Format::Json); });
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}

void TablePage::showHeaderMenu(const QPoint &pos)
{
    QMenu menu(this);
    QHeaderView *header = m_table->horizontalHeader();
    for (int c = 0; c < m_model->columnCount(); ++c) {
        QAction *action = menu.addAction(m_model->headerData(c, Qt::Horizontal).toString());
        action->setCheckable(true);
        action->setChecked(!header->isSectionHidden(c));
        connect(action, &QAction::toggled, this, [this, header, c](bool on) {
            // At least one column stays.
            if (!on && header->count() - header->hiddenSectionCount() <= 1)
                return;
            header->setSectionHidden(c, !on);
            saveColumns();
        });
    }
    menu.addSeparator();
    menu.addAction(tr("Reset columns"), this, [this] {
        QSettings().remove(QStringLiteral("tables/%1/header").arg(m_key));
        QHeaderView *h = m_table->horizontalHeader();
        for (int c = 0; c < m_model->columnCount(); ++c) {
            h->setSectionHidden(c, false);
            h->moveSection(h->visualIndex(c), c);
        }
    });
    menu.exec(header->mapToGlobal(pos));
}

void TablePage::saveColumns()
{
    QSettings().setValue(QStringLiteral("tables/%1/header").arg(m_key),
                         m_table->horizontalHeader()->saveState());
}

void TablePage::restoreColumns()
{
    const QByteArray state
        = QSettings().value(QStringLiteral("tables/%1/header").arg(m_key)).toByteArray();
    if (state.isEmpty())
        return;
    m_restoring = true;
    QHeaderView *header = m_table->horizontalHeader();
    const int sortColumn = m_model->sortColumn();
    const Qt::SortOrder order = m_model->sortOrder();
    header->restoreState(state);
    // The saved state carries a sort indicator; the model's current sort wins.
    header->setSortIndicator(sortColumn, order);
    m_restoring = false;
}

qint64 TablePage::exportView(const QString &file, models::CacheTableModel::Format format,
                             QString *error)
{
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly)) {
        if (error)
            *error = out.errorString();
        return -1;
    }
    const qint64 expected = m_model->isTotalExact() ? m_model->totalCount() : 0;
    QProgressDialog progress(tr("Exporting…"), tr("Cancel"), 0, int(expected), this);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(400);
    const qint64 n = models::exportTable(*m_model, &out, format, error, [&](qint64 done) {
        if (expected > 0)
            progress.setValue(int(std::min(done, expected)));
        else
            progress.setLabelText(tr("Exporting… %1 rows").arg(QLocale().toString(done)));
        QApplication::processEvents();
        return !progress.wasCanceled();
    });
    if (n < 0) {
        out.cancelWriting(); // Nothing half-written is left behind.
        return -1;
    }
    if (!out.commit()) {
        if (error)
            *error = out.errorString();
        return -1;
    }
    return n;
}

void TablePage::exportWithDialog(models::CacheTableModel::Format format)
{
    const bool csv = format == models::CacheTableModel::Format::Csv;
    const QString file = QFileDialog::getSaveFileName(
        this, tr("Export view"), m_key + (csv ? QStringLiteral(".csv") : QStringLiteral(".json")),
        csv ? tr("CSV files (*.csv)") : tr("JSON files (*.json)"));
    if (file.isEmpty())
        return;
    QString error;
    const qint64 n = exportView(file, format, &error);
    if (n < 0)
        QMessageBox::warning(this, tr("Export failed"), tr("Could not export: %1").arg(error));
}

} // namespace paydesk::ui
