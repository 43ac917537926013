# The GraphQL bodies the benchmark sends, one per operation (sourced by bench/run.sh).
# Each is what the product's own clients send for that screen.

OVERVIEW_FIELDS='institutionCount byLevel { key count } byFundingForm { key count } byManagementMode { key count }
  bySector { key count } bySizeBand { key count } byClassification { key count }
  establishment { approved fiscal selfFinanced frozen occupied vacant overEstablishment reserve }
  staff { inEstablishment fiscal selfFinanced management professionalTechnical logisticsService temporary secondedOut filed }
  baseline { baseYear baseTotal approvedNow changeSinceBase } pool { baseFund deposited lent available }'

q_overview() { # $1 code, $2 includeDescendants
  gql_body "query(\$j: String!, \$d: Boolean!) { overview(jurisdiction: \$j, includeDescendants: \$d) { $OVERVIEW_FIELDS } }" \
    "{\"j\": \"$1\", \"d\": $2}"
}

q_page() { # $1 code
  gql_body 'query($j: String!) { institutions(jurisdiction: $j, includeDescendants: true, first: 50, orderBy: {field: NAME}) {
    totalCount edges { node { id name creditCode classification sector level department { name } jurisdiction { name }
    establishment { approved fiscal selfFinanced frozen occupied vacant overEstablishment }
    staffCounts { inEstablishment management professionalTechnical logisticsService temporary } } } } }' "{\"j\": \"$1\"}"
}

q_record() { # $1 institution id
  gql_body 'query($id: ID!) { institution(id: $id) { id name creditCode classification status sector level fundingForm
    managementMode legalPerson establishedOn responsibilities internalBodies leadershipPosts { title count }
    department { name } jurisdiction { code name }
    establishment { approved fiscal selfFinanced frozen occupied vacant overEstablishment deposited borrowed
      byFunding { funding approved frozen occupied deposited borrowed vacant overEstablishment } }
    staffCounts { inEstablishment fiscal selfFinanced management professionalTechnical logisticsService temporary secondedOut filed }
    classificationHistory { classification decidedOn documentNo } } }' "{\"id\": \"$1\"}"
}

q_staff_search() { # $1 code, $2 part of a name
  gql_body 'query($j: String!, $q: String!) { staff(jurisdiction: $j, includeDescendants: true, search: $q, first: 20) {
    totalCount edges { node { id name nationalId category basis status hireDate institution { name } } } } }' \
    "{\"j\": \"$1\", \"q\": \"$2\"}"
}

# The portal's first screen: the release's overview, then its first page of institutions.
q_public_release() { # $1 code
  gql_body 'query($j: String!) { disclosure(jurisdiction: $j) { id jurisdictionName releasedAt overview {
  institutionCount approved approvedFiscal approvedSelfFinanced vacant staffInEstablishment temporary
  byClassification { key count } bySector { key count } bySizeBand { key count } } } }' "{\"j\": \"$1\"}"
}

q_public_list() { # $1 code, $2 release id
  gql_body 'query($j: String!, $r: ID, $q: String, $s: Sector, $first: Int!, $offset: Int!) { disclosure(jurisdiction: $j, releaseId: $r) {
  institutions(search: $q, sector: $s, first: $first, offset: $offset) { totalCount items { id name classification approved staffInEstablishment } } } }' \
    "{\"j\": \"$1\", \"r\": \"$2\", \"q\": null, \"s\": null, \"first\": 30, \"offset\": 0}"
}

# {"query": ..., "variables": ...} with the query's newlines and quotes escaped for JSON.
gql_body() {
  python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1], "variables": json.loads(sys.argv[2])}, ensure_ascii=False))' "$1" "$2"
}

# The findings screen of a city with its counties (report section 2): each list's count and
# its first eight, as the console's findings screen asks for them.
q_findings() { # $1 code
  gql_body 'query($j: String!) { findings(jurisdiction: $j, includeDescendants: true) {
    microInstitutions { ...shown }
    overlappingResponsibilities { totalCount items(first: 8) { figure institution { id name } other { id name } } }
    logisticsHeavy { ...shown } fewProfessionals { ...shown } ageing { ...shown } longVacant { ...shown }
    secondedOut { ...shown } nominallySelfFinanced { ...shown } } }
    fragment shown on FindingPage { totalCount items(first: 8) { figure institution { id name } } }' \
    "{\"j\": \"$1\"}"
}

# A county's page of 50 institutions, the fields the peer (bench/peer) is asked for too.
q_county_page() { # $1 code
  gql_body 'query($j: String!) { institutions(jurisdiction: $j, first: 50, orderBy: {field: NAME}) {
    totalCount edges { node { id name creditCode classification sector level department { name } jurisdiction { name }
    establishment { byFunding { funding approved frozen occupied deposited borrowed } } } } } }' "{\"j\": \"$1\"}"
}
