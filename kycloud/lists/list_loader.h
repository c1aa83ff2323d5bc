// LoadListDirectory: reads every list file under a directory (recursively), detecting each
// format from its name and content, and builds one ListSnapshot:
//   *.ods, UK CSV ("Unique ID", "OFSI Group ID" header)      -> uk_fcdo
//   XML with <CONSOLIDATED_LIST>                              -> un_sc
//   CSV with a "_id,source," header (trade.gov CSL)           -> one list per source
//   TSV with a "Name" / "Street_Address" header (BIS DPL)     -> us_bis_dpl
//   OFAC legacy sets by file name, per directory:
//     sdn.csv, alt.csv, add.csv, sdn_comments.csv             -> us_ofac_sdn
//     cons_prim.csv, cons_alt.csv, cons_add.csv, cons_comments.csv -> us_ofac_cons
//     *.json with SDN entries (uid, name, alternateNames)     -> us_ofac_sdn; an sdn.csv beside
//                                                                it then only enriches entries
//                                                                still in the JSON
// Any of them may be gzipped (".gz" or not). README, LICENSE, PROVENANCE, SHA256SUMS and
// metadata files are skipped; other unknown files are reported in the snapshot's notes.
// Lists loaded from their own files supersede the same list inside the CSL (and us_ofac_cons
// supersedes the CSL's SSI, PLC, CMIC, CAPTA, NS-MBS and FSE lists), so that no party is
// screened twice from two vintages.
//
// Errors: NotFound (no such directory, or no list in it); DataLoss naming file and line.
// Thread-safety: pure function.
#pragma once

#include <string>

#include "kycloud/base/result.h"
#include "kycloud/lists/list_snapshot.h"

namespace kycloud::lists {

Result<ListSnapshot> LoadListDirectory(const std::string& dir);

}  // namespace kycloud::lists
