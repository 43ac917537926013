// A record refetched by its global id: @refetchable on a Node type makes relay-compiler write
// `node(id:)` and read the type's `nodeId` (schemaConfig.nodeInterfaceIdField).
declare function graphql(strings: TemplateStringsArray): unknown;

export const card = graphql`
  fragment InstitutionCard_institution on Institution
  @refetchable(queryName: "InstitutionCardRefetchQuery") {
    name
    classification
    status
    staffCounts {
      inEstablishment
    }
  }
`;

export const person = graphql`
  fragment InstitutionCard_person on Staff @refetchable(queryName: "InstitutionCardPersonRefetchQuery") {
    name
    status
  }
`;
