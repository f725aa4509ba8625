// The public face of the ledger and a window for token holders: plain modules, no build step, only the API.
const state = { token: sessionStorage.getItem('quanze.token') ?? '', units: new Map() };

const $ = (selector) => document.querySelector(selector);

function showError(message) {
  const box = $('#error');
  box.textContent = message;
  box.hidden = message === '';
}

async function api(path) {
  const headers = state.token === '' ? {} : { authorization: `Bearer ${state.token}` };
  const response = await fetch(path, { headers });
  const body = await response.json();
  if (!response.ok) throw new Error(`${body.title ?? response.statusText}${body.detail ? `: ${body.detail}` : ''} (${body.code ?? response.status})`);
  return body;
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

function unitName(unitId) {
  return state.units.get(unitId)?.name ?? unitId;
}

function unitCell(unitIds) {
  const td = document.createElement('td');
  for (const unitId of unitIds) {
    const line = document.createElement('div');
    line.textContent = unitName(unitId);
    const today = state.units.get(unitId)?.responsibleToday;
    if (today && today.unitId !== unitId) {
      const successor = document.createElement('span');
      successor.className = 'successor';
      successor.textContent = ` → today: ${today.name}`;
      line.append(successor);
    }
    td.append(line);
  }
  return td;
}

function whoAmI() {
  if (state.token === '') return 'public';
  try {
    const payload = JSON.parse(atob(state.token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return `${payload.sub} · ${payload.roles.join(', ')}${payload.unit ? ` · ${unitName(payload.unit)}` : ''}`;
  } catch {
    return 'unreadable token';
  }
}

async function loadUnits() {
  const { units } = await api('/units');
  state.units = new Map(units.map((unit) => [unit.unitId, unit]));
  const body = $('#unit-table tbody');
  body.replaceChildren(
    ...units
      .sort((a, b) => a.name.localeCompare(b.name, 'zh'))
      .map((unit) => {
        const row = document.createElement('tr');
        row.append(cell(unit.name), cell(unit.kind), cell(unit.code ?? '—'), cell(unit.status), cell(unit.responsibleToday?.name ?? '—'));
        return row;
      }),
  );
}

let measures = [];
function renderMeasures() {
  const filter = $('#measure-filter').value.trim();
  const body = $('#measure-table tbody');
  const rows = measures
    .filter((measure) => {
      if (filter === '') return true;
      const names = [...measure.leadUnitIds, ...measure.cooperatingUnitIds].map(unitName).join(' ');
      return `${measure.section}${measure.sectionTitle} ${measure.headline} ${names}`.includes(filter);
    })
    .map((measure) => {
      const row = document.createElement('tr');
      row.dataset.measureId = measure.measureId;
      row.append(
        cell(`${measure.section} ${measure.sectionTitle}`),
        cell(String(measure.number)),
        cell(measure.headline),
        unitCell(measure.leadUnitIds),
        unitCell(measure.cooperatingUnitIds),
      );
      return row;
    });
  body.replaceChildren(...rows);
}

// Sections are numbered (一), (二)…: their order is the numerals', not the collation's (二 èr sorts before 一 yī).
const NUMERALS = '一二三四五六七八九十';
function sectionOrdinal(section) {
  const numeral = section.replace(/[()（）]/g, '');
  return numeral.length === 1 ? NUMERALS.indexOf(numeral) : numeral.length === 2 ? 9 + NUMERALS.indexOf(numeral[1]) + 1 : 99;
}

async function loadMeasures() {
  ({ measures } = await api('/measures'));
  measures.sort((a, b) => sectionOrdinal(a.section) - sectionOrdinal(b.section) || a.number - b.number);
  renderMeasures();
}

async function loadDocuments(on) {
  const { documents } = await api(`/documents/valid?on=${encodeURIComponent(on)}`);
  $('#document-table tbody').replaceChildren(
    ...documents.map((document_) => {
      const row = document.createElement('tr');
      row.append(cell(document_.number?.formatted ?? '—'), cell(document_.title), cell(document_.effectiveFrom ?? '—'), cell(document_.validUntil ?? '—'));
      return row;
    }),
  );
}

/** Fills the accountability table: one row per item, the columns named, each value shown by `render`. */
function showTable(columns, items) {
  const head = document.createElement('tr');
  for (const [title] of columns) {
    const th = document.createElement('th');
    th.textContent = title;
    head.append(th);
  }
  $('#accountability-table thead').replaceChildren(head);
  $('#accountability-table tbody').replaceChildren(
    ...items.map((item) => {
      const row = document.createElement('tr');
      for (const [, render] of columns) row.append(cell(String(render(item) ?? '—')));
      return row;
    }),
  );
  if (items.length === 0) showError('nothing found');
}

const person = (id) => id ?? '—';
const accountabilityQueries = {
  async flags() {
    const { flags } = await api(`/flags?asOf=${encodeURIComponent($('#flags-as-of').value)}&limit=200`);
    showTable(
      [
        ['Raised', (flag) => flag.raisedOn],
        ['Flag', (flag) => flag.code],
        ['Article', (flag) => flag.article],
        ['Subject', (flag) => `${flag.subject.kind} ${flag.subject.id}`],
        ['Unit', (flag) => (flag.unitId === null ? '—' : unitName(flag.unitId))],
        ['Status', (flag) => flag.status],
      ],
      flags,
    );
  },
  async chain() {
    const kind = $('#chain-kind').value;
    const id = encodeURIComponent($('#chain-id').value.trim());
    const { steps } = await api(`/chains/${kind}/${id}`);
    showTable(
      [
        ['When', (step) => step.occurredAt.slice(0, 10)],
        ['Step', (step) => step.type],
        ['Recorded by', (step) => `${person(step.recordedBy.personId)} · ${step.recordedBy.unitId === null ? '—' : unitName(step.recordedBy.unitId)}`],
        ['Persons and their part', (step) => step.participants.map((participant) => `${participant.name ?? participant.personId} (${participant.role})`).join('; ')],
        ['Marks', (step) => step.marks.map((mark) => mark.kind ?? JSON.stringify(mark)).join(', ')],
      ],
      steps,
    );
  },
  async dossier() {
    const { entries } = await api(`/dossiers/${encodeURIComponent($('#dossier-person').value.trim())}?limit=200`);
    showTable(
      [
        ['When', (entry) => entry.occurredAt.slice(0, 10)],
        ['Step', (entry) => entry.type],
        ['Subject', (entry) => `${entry.subject.kind} ${entry.subject.label ?? entry.subject.id}`],
        ['Part', (entry) => entry.roles.map((role) => role.role).join(', ')],
        ['Post then', (entry) => entry.heldThen.map((post) => `${post.postTitle ?? post.postId ?? '—'} · ${post.unitName ?? post.unitId ?? '—'}`).join('; ')],
        ['Outcome', (entry) => entry.outcome],
      ],
      entries,
    );
  },
  async inbox() {
    const { items } = await api('/inbox?limit=200');
    showTable(
      [
        ['Case', (item) => item.caseId],
        ['Offence', (item) => item.suspectedOffence],
        ['From', (item) => (item.sendingUnitId === null ? '—' : unitName(item.sendingUnitId))],
        ['Stage', (item) => item.stage],
      ],
      items,
    );
  },
};

function selectTab(name) {
  for (const button of document.querySelectorAll('nav button')) button.setAttribute('aria-selected', String(button.dataset.tab === name));
  for (const panel of document.querySelectorAll('[data-panel]')) panel.hidden = panel.id !== name;
}

async function refresh() {
  showError('');
  try {
    await loadUnits();
    await loadMeasures();
  } catch (error) {
    showError(error.message);
  }
  $('#who').textContent = whoAmI();
}

for (const button of document.querySelectorAll('nav button')) button.addEventListener('click', () => selectTab(button.dataset.tab));
$('#measure-filter').addEventListener('input', renderMeasures);
$('#sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  state.token = $('#token').value.trim();
  sessionStorage.setItem('quanze.token', state.token);
  void refresh();
});
$('#documents-form').addEventListener('submit', (event) => {
  event.preventDefault();
  showError('');
  loadDocuments($('#valid-on').value).catch((error) => showError(error.message));
});
$('#lookup-form').addEventListener('submit', (event) => {
  event.preventDefault();
  showError('');
  const path = `/${$('#lookup-kind').value}/${encodeURIComponent($('#lookup-id').value.trim())}`;
  api(path)
    .then((body) => {
      $('#lookup-result').textContent = JSON.stringify(body, null, 2);
    })
    .catch((error) => {
      $('#lookup-result').textContent = '';
      showError(error.message);
    });
});

for (const name of Object.keys(accountabilityQueries)) {
  $(`#${name}-form`).addEventListener('submit', (event) => {
    event.preventDefault();
    showError('');
    accountabilityQueries[name]().catch((error) => showError(error.message));
  });
}

// The ledger's days are China's: before 08:00 UTC it is already tomorrow in 尚志.
const chinaToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

$('#token').value = state.token;
$('#flags-as-of').value = chinaToday();
$('#valid-on').value = chinaToday();
void refresh();
