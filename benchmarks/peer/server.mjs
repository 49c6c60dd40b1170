// The peer credgraph is measured against (benchmarks/peer.py): @neo4j/graphql under Apollo
// Server, over the same Neo4j database credgraph loaded.
//
//   node server.mjs --port 4100 --uri bolt://127.0.0.1:7701 [--user neo4j --password ...]
//   (or PEER_PORT, PEER_NEO4J_URI, PEER_NEO4J_USER, PEER_NEO4J_PASSWORD)
//
// The type definitions describe the graph as credgraph stores it (credgraph/graph/schema/):
// identity nodes Enterprise / Person / OtherHolder (id only), their names on record versions
// (EnterpriseRecord / PersonRecord / HolderRecord) joined by the property `of`, and the
// SHAREHOLDER, OFFICER and LEGAL_REPRESENTATIVE relationships as versions: `rec` (recorded),
// `ret` (retracted, absent while current), `start` / `end` (valid time, ISO days). The
// clients ask for "now" the way credgraph answers it: versions not retracted (ret null) and
// in force today (start null or <= today, end null or > today), with @neo4j/graphql's own
// where filters on the relationship properties. A name is the current record's, read by a
// @cypher field (the join is by property, not by relationship). No resolver is written here:
// every request is the one Cypher statement @neo4j/graphql generates for it.
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PEER_PORT ?? "4100" },
    uri: { type: "string", default: process.env.PEER_NEO4J_URI ?? "bolt://127.0.0.1:7687" },
    user: { type: "string", default: process.env.PEER_NEO4J_USER ?? "neo4j" },
    password: { type: "string", default: process.env.PEER_NEO4J_PASSWORD ?? "" },
  },
});

// The current record version of an entity: not retracted, the latest recorded.
const currentName = (label) => `@cypher(
    statement: """
    MATCH (r:${label} {of: this.id}) WHERE r.ret IS NULL
    RETURN r.name AS name ORDER BY r.rec DESC LIMIT 1
    """
    columnName: "name")`;

const typeDefs = /* GraphQL */ `
  interface Holder {
    id: ID!
    name: String
  }

  type Holding @relationshipProperties {
    percent: Float
    start: String
    end: String
    rec: String
    ret: String
  }

  type Post @relationshipProperties {
    role: String!
    start: String
    end: String
    rec: String
    ret: String
  }

  type Enterprise implements Holder @node(labels: ["Enterprise", "Entity"]) {
    id: ID!
    name: String ${currentName("EnterpriseRecord")}
    shareholders: [Holder!]!
      @relationship(type: "SHAREHOLDER", direction: IN, properties: "Holding")
    officers: [Person!]! @relationship(type: "OFFICER", direction: IN, properties: "Post")
    legalRepresentatives: [Person!]!
      @relationship(type: "LEGAL_REPRESENTATIVE", direction: IN, properties: "Post")
  }

  type Person implements Holder @node(labels: ["Person", "Entity"]) {
    id: ID!
    name: String ${currentName("PersonRecord")}
    holds: [Enterprise!]!
      @relationship(type: "SHAREHOLDER", direction: OUT, properties: "Holding")
    officerOf: [Enterprise!]!
      @relationship(type: "OFFICER", direction: OUT, properties: "Post")
    legalRepresentativeOf: [Enterprise!]!
      @relationship(type: "LEGAL_REPRESENTATIVE", direction: OUT, properties: "Post")
  }

  type OtherHolder implements Holder @node(labels: ["OtherHolder", "Entity"]) {
    id: ID!
    name: String ${currentName("HolderRecord")}
  }
`;

const driver = neo4j.driver(
  args.uri,
  args.password ? neo4j.auth.basic(args.user, args.password) : undefined,
);
const neoSchema = new Neo4jGraphQL({
  typeDefs,
  driver,
  // Days are ISO strings in the database: comparing them needs the string order filters.
  features: { filters: { String: { LT: true, LTE: true, GT: true, GTE: true } } },
});
const server = new ApolloServer({ schema: await neoSchema.getSchema() });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(args.port), host: "127.0.0.1" },
});
console.log(`peer ready at ${url}`);

const stop = async () => {
  await server.stop();
  await driver.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
