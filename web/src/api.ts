/** The page's only data source: the project's GraphQL API at /graphql (same origin). */

export type Kind = "ENTERPRISE" | "PERSON" | "OTHER";
export type RelationType =
  | "SHAREHOLDER"
  | "OFFICER"
  | "LEGAL_REPRESENTATIVE"
  | "EQUITY_PLEDGE"
  | "CHATTEL_MORTGAGE"
  | "SUSPECTED";
export type ListType =
  | "ABNORMAL_OPERATIONS"
  | "SERIOUS_ILLEGAL"
  | "DISHONEST_DEBTOR"
  | "CONSUMPTION_RESTRICTED"
  | "CRIMINAL_SENTENCE";
export type Certainty = "CONFIRMED" | "CANDIDATE";

/** The registered relations (the map's filter); SUSPECTED links come with their own switch. */
export const RELATIONS: RelationType[] = [
  "SHAREHOLDER",
  "OFFICER",
  "LEGAL_REPRESENTATIVE",
  "EQUITY_PLEDGE",
  "CHATTEL_MORTGAGE",
];
export const LISTS: ListType[] = [
  "SERIOUS_ILLEGAL",
  "DISHONEST_DEBTOR",
  "ABNORMAL_OPERATIONS",
  "CONSUMPTION_RESTRICTED",
  "CRIMINAL_SENTENCE",
];

export interface NodeRef {
  id: string;
  name: string;
  kind: Kind;
}
export interface Provenance {
  srcFile: string | null;
  srcRow: number | null;
}
export interface Dated {
  start: string | null;
  end: string | null;
  current: boolean;
  provenance: Provenance | null;
}

/** An objection (异议) to a published fact (docs/feeds.md), as the disputed badge needs it. */
export interface DisputeBrief {
  objectionId: string;
  filedOn: string;
  status: "PENDING" | "UPHELD" | "REJECTED" | "WITHDRAWN";
  resolvedOn: string | null;
  /** Disputes the fact on the day asked. */
  active: boolean;
}
export interface Dispute extends DisputeBrief {
  filedBy: string | null;
  grounds: string | null;
}
/** One recorded version of a fact: `current` when the register shows it at the knownAt asked. */
export interface FactVersion {
  recordedAt: string;
  retractedAt: string | null;
  source: string | null;
  opReason: string | null;
  current: boolean;
  provenance: Provenance | null;
  values: Record<string, unknown>;
}
/** What the entity view asks of every fact and record up front (RECORDED): the disputed badge
and how many versions its history holds. */
export interface Recorded {
  disputed: boolean;
  disputes: DisputeBrief[];
  versions: { current: boolean }[];
}
/** A fact's whole history (HISTORY), asked when it is opened. */
export interface History {
  versions: FactVersion[];
  disputes: Dispute[];
}

export class ApiError extends Error {
  constructor(message: string, readonly code: string | undefined) {
    super(message);
  }
}

interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export async function gql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch("graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResponse<T>;
  if (body.errors?.length) {
    const first = body.errors[0];
    throw new ApiError(first.message, first.extensions?.code);
  }
  if (!body.data) throw new ApiError(`HTTP ${response.status}`, undefined);
  return body.data;
}

/** The answer, or null when the caller's role may not ask it (FORBIDDEN): the parts of the
explorer a role does not get (risk, watchlists) are left out instead of failing the view. */
export async function gqlIfAllowed<T>(query: string, variables: Record<string, unknown>): Promise<T | null> {
  try {
    return await gql<T>(query, variables);
  } catch (e) {
    if (e instanceof ApiError && e.code === "FORBIDDEN") return null;
    throw e;
  }
}

const PROV = "provenance { srcFile srcRow }";
const REF = "id name kind";
/** Kept small: the API counts every list at 20 items, versions inside facts at 20 x 20. */
const RECORDED = "disputed disputes { objectionId filedOn status resolvedOn active } versions { current }";
export const HISTORY = `versions { recordedAt retractedAt source opReason current values ${PROV} }
  disputes { objectionId filedBy filedOn grounds status resolvedOn active }`;

// --- search -------------------------------------------------------------------------

export interface SearchHit extends NodeRef {
  matchedBy: "ID" | "NAME";
}
export const SEARCH = `query Search($text: String!, $first: Int!, $k: DateTime) {
  search(text: $text, first: $first, knownAt: $k) { ${REF} matchedBy }
}`;

// --- entity view ----------------------------------------------------------------------

export interface ListEntry extends Recorded {
  id: string;
  list: ListType;
  reason: string | null;
  authority: string | null;
  listedOn: string;
  removedOn: string | null;
  removalReason: string | null;
  docNo: string | null;
  current: boolean;
  provenance: Provenance | null;
}
export interface Holding extends Dated, Recorded {
  key: string;
  holder: NodeRef;
  enterprise: NodeRef;
  percent: number | null;
  subscribedAmount: number | null;
}
export interface Post extends Dated, Recorded {
  key: string;
  person: NodeRef;
  enterprise: NodeRef;
  role: string;
}
export interface Penalty extends Recorded {
  id: string;
  docNo: string;
  violationType: string | null;
  content: string | null;
  authority: string | null;
  decidedOn: string | null;
  provenance: Provenance | null;
}
export interface EventRow extends Recorded {
  id: string;
  event: string;
  date: string | null;
  reason: string | null;
  authority: string | null;
  provenance: Provenance | null;
}
export interface Pledge extends Dated, Recorded {
  regNo: string;
  enterprise: NodeRef | null;
  pledgor: NodeRef | null;
  pledgee: NodeRef | null;
  amount: number | null;
  status: string | null;
}
export interface Mortgage extends Dated, Recorded {
  regNo: string;
  mortgagor: NodeRef;
  mortgagee: NodeRef;
  securedAmount: number | null;
  status: string | null;
  collateral: string | null;
}
export interface EnterpriseDetail extends NodeRef, Recorded {
  uscc: string | null;
  regNo: string | null;
  type: string | null;
  status: string | null;
  established: string | null;
  registeredCapital: number | null;
  currency: string | null;
  authority: string | null;
  address: string | null;
  businessScope: string | null;
  provenance: Provenance | null;
  /** The registration authority on the day asked (after any move, 迁入/迁出). */
  authorityOnDay: string | null;
  authorityHistory: { date: string; authority: string | null; event: string }[];
  legalRepresentative: NodeRef | null;
  shareholders: Holding[];
  investments: Holding[];
  officers: Post[];
  legalRepresentatives: Post[];
  listEntries: ListEntry[];
  penalties: Penalty[];
  events: EventRow[];
  equityPledges: Pledge[];
  chattelMortgages: Mortgage[];
}
export interface PersonDetail extends NodeRef, Recorded {
  personId: string;
  maskedIdNumber: string | null;
  nationality: string | null;
  provenance: Provenance | null;
  appointments: Post[];
  holdings: Holding[];
  listEntries: ListEntry[];
}
export interface OtherDetail extends NodeRef, Recorded {
  category: string | null;
  provenance: Provenance | null;
  holdings: Holding[];
}

const HOLDING = `key holder { ${REF} } enterprise { ${REF} } percent subscribedAmount start end current ${PROV} ${RECORDED}`;
const POST = `key person { ${REF} } enterprise { ${REF} } role start end current ${PROV} ${RECORDED}`;
const ENTRY = `id list reason authority listedOn removedOn removalReason docNo current ${PROV} ${RECORDED}`;

export const ENTERPRISE = `query Enterprise($id: ID!, $d: Date, $k: DateTime) {
  enterprise(uscc: $id, asOf: $d, knownAt: $k) {
    ${REF} uscc regNo type status established registeredCapital currency authority address
    businessScope ${PROV} ${RECORDED}
    authorityOnDay authorityHistory { date authority event }
    legalRepresentative { ${REF} }
    shareholders(includeHistory: true) { ${HOLDING} }
    investments(includeHistory: true) { ${HOLDING} }
    officers(includeHistory: true) { ${POST} }
    legalRepresentatives(includeHistory: true) { ${POST} }
    listEntries(includeHistory: true) { ${ENTRY} }
    penalties { id docNo violationType content authority decidedOn ${PROV} ${RECORDED} }
    events { id event date reason authority ${PROV} ${RECORDED} }
    equityPledges(includeHistory: true) {
      regNo enterprise { ${REF} } pledgor { ${REF} } pledgee { ${REF} } amount status
      start end current ${PROV} ${RECORDED} }
    chattelMortgages(includeHistory: true) {
      regNo mortgagor { ${REF} } mortgagee { ${REF} } securedAmount status collateral
      start end current ${PROV} ${RECORDED} }
  }
}`;

export const PERSON = `query Person($id: ID!, $d: Date, $k: DateTime) {
  person(personId: $id, asOf: $d, knownAt: $k) {
    ${REF} personId maskedIdNumber nationality ${PROV} ${RECORDED}
    appointments(includeHistory: true) { ${POST} }
    holdings(includeHistory: true) { ${HOLDING} }
    listEntries(includeHistory: true) { ${ENTRY} }
  }
}`;

export const OTHER = `query Other($id: String!, $k: DateTime) {
  search(text: $id, first: 1, knownAt: $k) {
    node { ... on OtherHolder { ${REF} category ${PROV} ${RECORDED} holdings(includeHistory: true) { ${HOLDING} } } }
  }
}`;

/** Where each entity-view section's facts are asked for, and the field that names a fact. */
export const HISTORY_FIELDS: Record<string, { field: string; identity: string }> = {
  shareholders: { field: "shareholders(includeHistory: true)", identity: "key" },
  investments: { field: "investments(includeHistory: true)", identity: "key" },
  officers: { field: "officers(includeHistory: true)", identity: "key" },
  legalReps: { field: "legalRepresentatives(includeHistory: true)", identity: "key" },
  appointments: { field: "appointments(includeHistory: true)", identity: "key" },
  holdings: { field: "holdings(includeHistory: true)", identity: "key" },
  listEntries: { field: "listEntries(includeHistory: true)", identity: "id" },
  penalties: { field: "penalties", identity: "id" },
  events: { field: "events", identity: "id" },
  pledges: { field: "equityPledges(includeHistory: true)", identity: "regNo" },
  mortgages: { field: "chattelMortgages(includeHistory: true)", identity: "regNo" },
};

/** The history of every fact of one section (HISTORY_FIELDS), or with section null of the
subject's own record; answers `{ subject }`, an OtherHolder `{ search: [{ node }] }`. */
export function historyQuery(kind: Kind, section: string | null): string {
  const where = section ? HISTORY_FIELDS[section] : null;
  const selection = where ? `${where.field} { ${where.identity} ${HISTORY} }` : HISTORY;
  if (kind === "ENTERPRISE") {
    return `query History($id: ID!, $d: Date, $k: DateTime) {
  subject: enterprise(uscc: $id, asOf: $d, knownAt: $k) { ${selection} } }`;
  }
  if (kind === "PERSON") {
    return `query History($id: ID!, $d: Date, $k: DateTime) {
  subject: person(personId: $id, asOf: $d, knownAt: $k) { ${selection} } }`;
  }
  return `query History($id: String!, $k: DateTime) {
  search(text: $id, first: 1, knownAt: $k) { node { ... on OtherHolder { ${selection} } } } }`;
}

// --- map ------------------------------------------------------------------------------

export interface MapEntity extends NodeRef {
  status: string | null;
  distance: number | null;
  degree: number;
  hub: boolean;
  lists: ListType[];
  restriction: Certainty | null;
}
export interface MapLink {
  key: string;
  relation: RelationType;
  source: string;
  target: string;
  role: string | null;
  percent: number | null;
  start: string | null;
  end: string | null;
  provenance: Provenance | null;
  suspected?: SuspectedLink | null;
}
export interface Neighbourhood {
  origin: MapEntity;
  nodes: MapEntity[];
  links: MapLink[];
  truncated: boolean;
  suspectedHubs?: SuspectedHub[];
}
export interface NeighbourPage {
  node: MapEntity;
  totalCount: number;
  offset: number;
  hasMore: boolean;
  nodes: MapEntity[];
  links: MapLink[];
}
const MAP_ENTITY = `${REF} status distance degree hub lists restriction`;
const SUSPECTED_LINK = "suspected { kind value reports { id enterpriseId year filedOn stated provenance { srcFile srcRow } } }";
// The map draws a suspected link's kind and value only; its reports would make a map of
// 1,000 nodes too costly a query (docs/api-contract.md, limits).
const MAP_LINK = `key relation source target role percent start end ${PROV} suspected { kind value }`;

/** The map's query; the collapsed hub values only with suspected links on, as they are
costed at maxNodes hubs of 20 firms each (a map of 1,000 nodes stays within the limits). */
export function neighbourhoodQuery(suspected: boolean): string {
  return `query Map($id: ID!, $hops: Int!, $rel: [Relation!], $max: Int!, $hub: Int!, $d: Date, $k: DateTime, $sus: Boolean! = false) {
  neighbourhood(id: $id, hops: $hops, relations: $rel, maxNodes: $max, hubDegree: $hub, asOf: $d, knownAt: $k, suspected: $sus) {
    origin { ${MAP_ENTITY} } nodes { ${MAP_ENTITY} } links { ${MAP_LINK} } truncated
    ${suspected ? "suspectedHubs { kind value count enterprises }" : ""}
  }
}`;
}

export const NEIGHBOURS = `query Page($id: ID!, $rel: [Relation!], $offset: Int!, $first: Int!, $hub: Int!, $d: Date, $k: DateTime, $sus: Boolean! = false) {
  neighbours(id: $id, relations: $rel, offset: $offset, first: $first, hubDegree: $hub, asOf: $d, knownAt: $k, suspected: $sus) {
    node { ${MAP_ENTITY} } totalCount offset hasMore nodes { ${MAP_ENTITY} } links { ${MAP_LINK} }
  }
}`;

// --- ownership ------------------------------------------------------------------------

export interface OwnershipChain {
  root: NodeRef;
  entries: { node: NodeRef; depth: number; effectivePercent: number | null }[];
  edges: {
    from: NodeRef;
    to: NodeRef;
    percent: number | null;
    start: string | null;
    end: string | null;
    key: string;
    provenance: Provenance | null;
  }[];
  circular: boolean;
  truncated: boolean;
}
export interface UltimateOwner {
  owner: NodeRef;
  category: string;
  effectivePercent: number | null;
  circular: boolean;
}
const CHAIN = `root { ${REF} } entries { node { ${REF} } depth effectivePercent }
  edges { from { ${REF} } to { ${REF} } percent start end key ${PROV} } circular truncated`;

export const OWNERSHIP = `query Ownership($id: ID!, $depth: Int!, $threshold: Float!, $d: Date, $k: DateTime) {
  up: ownershipChain(uscc: $id, direction: UP, maxDepth: $depth, asOf: $d, knownAt: $k) { ${CHAIN} }
  down: ownershipChain(uscc: $id, direction: DOWN, maxDepth: $depth, asOf: $d, knownAt: $k) { ${CHAIN} }
  ultimateOwners(uscc: $id, threshold: $threshold, asOf: $d, knownAt: $k) {
    owner { ${REF} } category effectivePercent circular
  }
}`;

// --- paths ----------------------------------------------------------------------------

export interface Step {
  from: NodeRef;
  to: NodeRef;
  relation: RelationType;
  forward: boolean;
  role: string | null;
  percent: number | null;
  start: string | null;
  end: string | null;
  key: string;
  provenance: Provenance | null;
  suspected?: SuspectedLink | null;
}
export interface Path {
  steps: Step[];
  length: number;
}
const STEP = `from { ${REF} } to { ${REF} } relation forward role percent start end key ${PROV} ${SUSPECTED_LINK}`;

export const PATHS = `query Paths($a: ID!, $b: ID!, $hops: Int!, $first: Int!, $deg: Int!, $d: Date, $k: DateTime) {
  paths(fromId: $a, toId: $b, maxHops: $hops, first: $first, maxDegree: $deg, asOf: $d, knownAt: $k) {
    length steps { ${STEP} }
  }
}`;

// --- exposure and restrictions --------------------------------------------------------

export interface ExposureHit {
  subject: NodeRef;
  list: ListType;
  listedOn: string;
  distance: number;
  entry: { reason: string | null; authority: string | null; provenance: Provenance | null };
  path: Path;
}
export const EXPOSURE = `query Exposure($id: ID!, $hops: Int!, $lists: [ListType!]!, $deg: Int!, $d: Date, $k: DateTime) {
  blacklistExposure(id: $id, maxHops: $hops, lists: $lists, maxDegree: $deg, asOf: $d, knownAt: $k) {
    hits { subject { ${REF} } list listedOn distance
           entry { reason authority ${PROV} }
           path { length steps { ${STEP} } } }
  }
}`;

export interface RestrictionHit {
  ruleId: string;
  title: string;
  citation: string;
  /** The rule's title and citation in each language, where the API gives them. */
  titleZh?: string | null;
  titleEn?: string | null;
  citationZh?: string | null;
  citationEn?: string | null;
  certainty: Certainty;
  note: string | null;
  noteZh?: string | null;
  noteEn?: string | null;
  windowStart: string;
  windowEnd: string | null;
  barredRoles: string[];
  trigger: {
    kind: string;
    date: string;
    subjectId: string;
    enterprise: { uscc: string | null; name: string } | null;
    reason: string | null;
  };
  affectedAppointments: {
    enterprise: { id: string; uscc: string | null; name: string };
    role: string;
    start: string | null;
    kind: "VOID" | "MUST_REMOVE";
  }[];
  evidence: { fact: string; id: string; summary: string; provenance: Provenance | null }[];
}
export interface DisqualificationCheck {
  person: NodeRef;
  disqualified: boolean;
  needsReview: boolean;
  hits: RestrictionHit[];
}
export const DISQUALIFICATION = `query Check($id: ID!, $d: Date, $k: DateTime) {
  disqualificationCheck(personId: $id, asOf: $d, knownAt: $k) {
    person { ${REF} } disqualified needsReview
    hits { ruleId title titleZh titleEn citation citationZh citationEn certainty note noteZh noteEn
      windowStart windowEnd barredRoles
      trigger { kind date subjectId enterprise { uscc name } reason }
      affectedAppointments { enterprise { id uscc name } role start kind }
      evidence { fact id summary ${PROV} } }
  }
}`;

// --- suspected links, risk, watchlists and alerts (docs/risk.md) ----------------------

export type ContactKind = "PHONE" | "EMAIL" | "ADDRESS" | "WEBSITE";
export interface SuspectedLink {
  kind: ContactKind;
  value: string;
  reports: { id: string; enterpriseId: string; year: number; filedOn: string | null; stated: string | null; provenance: Provenance | null }[];
}
export interface SuspectedHub {
  kind: ContactKind;
  value: string;
  count: number;
  enterprises: string[];
}

export type RiskLevel = "LOW" | "MEDIUM" | "HIGH";
export interface RiskFact {
  section: string;
  key: string;
  provenance: Provenance | null;
}
export interface RiskProfile {
  score: number;
  level: RiskLevel;
  indicators: {
    id: string;
    title: string;
    titleZh: string;
    titleEn: string;
    weight: number;
    evidence: { text: string; textZh: string; textEn: string; facts: RiskFact[] }[];
  }[];
}
export const RISK_PROFILE = `query Risk($id: ID!, $d: Date, $k: DateTime) {
  riskProfile(uscc: $id, asOf: $d, knownAt: $k) {
    score level
    indicators { id title titleZh titleEn weight
      evidence { text textZh textEn facts { section key ${PROV} } } }
  }
}`;

export interface AnnualReport {
  year: number;
  filedOn: string | null;
  status: "ON_TIME" | "LATE" | "NOT_FILED";
  phone: string | null;
  email: string | null;
  address: string | null;
  website: string | null;
  provenance: Provenance | null;
}
export const ANNUAL_REPORTS = `query Reports($id: ID!, $d: Date, $k: DateTime) {
  enterprise(uscc: $id, asOf: $d, knownAt: $k) { annualReports { year filedOn status phone email address website ${PROV} } }
}`;

export type AlertKind = "LISTING" | "PLEDGE" | "MORTGAGE" | "LEGAL_REPRESENTATIVE" | "SHAREHOLDER" | "RESTRICTION" | "LEVEL";
export interface Alert {
  id: string;
  kind: AlertKind;
  entityId: string;
  subjectId: string;
  text: string;
  textZh: string;
  textEn: string;
  createdAt: string;
  read: boolean;
  facts: RiskFact[];
}
export const ALERTS = `query Alerts($first: Int!) {
  unreadAlerts
  alerts(first: $first) { id kind entityId subjectId text textZh textEn createdAt read facts { section key ${PROV} } }
}`;
export const UNREAD_ALERTS = "query Unread { unreadAlerts }";
export const MARK_READ = "mutation Read($ids: [ID!]!) { markAlertsRead(ids: $ids) }";
export const WATCH = "mutation Watch($id: ID!, $hops: Int!) { watch(id: $id, hops: $hops) { entityId hops } }";
export const UNWATCH = "mutation Unwatch($id: ID!) { unwatch(id: $id) }";
export const WATCHLIST = "query Watched { watchlist { list entityId hops } }";
