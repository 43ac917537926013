// A paginated list as a Relay app writes it: @connection over `institutions`, refetchable
// with its page arguments. relay-compiler checks it against api/schema.graphql.
declare function graphql(strings: TemplateStringsArray): unknown;

export const list = graphql`
  fragment InstitutionsList_query on Query
  @refetchable(queryName: "InstitutionsListPaginationQuery")
  @argumentDefinitions(
    jurisdiction: { type: "String" }
    first: { type: "Int", defaultValue: 20 }
    after: { type: "String" }
  ) {
    institutions(jurisdiction: $jurisdiction, first: $first, after: $after)
    @connection(key: "InstitutionsList_institutions") {
      totalCount
      edges {
        node {
          id
          name
          creditCode
          ...InstitutionCard_institution
        }
      }
    }
  }
`;

export const page = graphql`
  query InstitutionsListPageQuery($jurisdiction: String) {
    ...InstitutionsList_query @arguments(jurisdiction: $jurisdiction)
  }
`;
