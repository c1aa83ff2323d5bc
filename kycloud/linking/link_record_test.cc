#include "kycloud/linking/link_record.h"

#include <gtest/gtest.h>

#include "kycloud/linking/blocking.h"
#include "kycloud/linking/comparisons.h"
#include "kycloud/linking/identifier_evidence.h"
#include "kycloud/linking/record_reader.h"

namespace kycloud::linking {
namespace {

TEST(LinkRecordTest, NormalisesIdentifiers) {
  LinkRecord r;
  r.id = "a-1";
  r.Add(Field::kFullName, "Müller-Lüdenscheidt, Hans");
  r.Add(Field::kDateOfBirth, "1971-6-4");
  r.Add(Field::kPhone, "+44 20 7946 0100");
  r.Add(Field::kEmail, " Ops@Example.ORG ");
  r.Add(Field::kEmail, "someone@gmail.com");
  r.Add(Field::kIp, "203.0.113.7");
  r.Add(Field::kIp, "2001:db8:85a3::8a2e:370:7334");
  r.Add(Field::kWallet, "1BoatSLRHtKNngkdXEeobR76b53LETtpyT");
  r.Add(Field::kWallet, "0xAbC123");
  r.Add(Field::kNationalId, "ab-123 456");
  NormalizedRecord n = Normalize(r);
  EXPECT_EQ(n.family, "muller ludenscheidt");  // "Family, Given"
  EXPECT_EQ(n.given, "hans");
  EXPECT_EQ(n.dob, "19710604");
  EXPECT_EQ(n.phones, (std::vector<std::string>{"2079460100"}));
  EXPECT_EQ(n.emails, (std::vector<std::string>{"ops@example.org", "someone@gmail.com"}));
  EXPECT_EQ(n.email_domains, (std::vector<std::string>{"example.org"}));  // gmail is free mail
  EXPECT_EQ(n.ip_networks, (std::vector<std::string>{"203.0.113.0/24", "2001:db8:85a3::/48"}));
  EXPECT_EQ(n.wallets[0], "1BoatSLRHtKNngkdXEeobR76b53LETtpyT");  // base58 keeps its case
  EXPECT_EQ(n.wallets[1], "0xabc123");
  EXPECT_EQ(n.national_ids, (std::vector<std::string>{"AB123456"}));
  // A national and an international form of one phone number agree.
  LinkRecord r2;
  r2.id = "a-2";
  r2.Add(Field::kPhone, "020 7946 0100");
  EXPECT_EQ(Normalize(r2).phones, n.phones);
}

TEST(LinkRecordTest, ComparisonLevels) {
  NormalizedRecord a, b;
  a.given = "lachlan";
  b.given = "lachlam";
  a.family = "berry";
  b.family = "berry";
  a.dob = "19990305";
  b.dob = "19990503";
  a.postcode = "4814";
  b.postcode = "4841";
  a.payments = {"FP1"};
  b.payments = {"FP2"};
  const Comparator cmp;
  Levels l = cmp.Compare(a, b);
  EXPECT_EQ(l[size_t(Comparison::kGivenName)], 2);
  EXPECT_EQ(l[size_t(Comparison::kFamilyName)], 3);
  EXPECT_EQ(l[size_t(Comparison::kDateOfBirth)], 2);  // day and month swapped
  EXPECT_EQ(l[size_t(Comparison::kPostcode)], 0);     // a transposition is two edits
  EXPECT_EQ(l[size_t(Comparison::kPayment)], 0);
  EXPECT_EQ(l[size_t(Comparison::kPhone)], -1);  // missing on both sides
  // Swapped names agree at the second level.
  b.given = "berry";
  b.family = "lachlan";
  l = cmp.Compare(a, b);
  EXPECT_EQ(l[size_t(Comparison::kGivenName)], 2);
  EXPECT_EQ(l[size_t(Comparison::kFamilyName)], 2);
  // A generic value counts as missing.
  a.payments = {"FP-PROC"};
  b.payments = {"FP-PROC"};
  EXPECT_EQ(cmp.Compare(a, b)[size_t(Comparison::kPayment)], 1);
  const Comparator generic({GenericKey(Comparison::kPayment, "FP-PROC")});
  EXPECT_EQ(generic.Compare(a, b)[size_t(Comparison::kPayment)], -1);
}

TEST(LinkRecordTest, BlockingKeysSkipMissingParts) {
  NormalizedRecord r;
  r.family = "berry";
  r.dob = "19990219";
  auto keys = BlockingKeys(r);
  EXPECT_EQ(std::count_if(keys.begin(), keys.end(),
                          [](const std::string& k) { return k.starts_with("fd\x1f"); }),
            1);
  EXPECT_EQ(std::count_if(keys.begin(), keys.end(),
                          [](const std::string& k) { return k.starts_with("fg\x1f"); }),
            0);  // no given name: no family+given key
}

TEST(RecordReaderTest, MappingAndErrors) {
  auto m = ParseFieldMapping(
      "id=rec_id, given_name=given_name,family_name=surname,address_line=address_1,"
      "address_line=address_2");
  ASSERT_TRUE(m.has_value()) << m.error();
  EXPECT_EQ(m->id_column, "rec_id");
  EXPECT_EQ(m->columns.size(), 4u);
  EXPECT_NE(ParseFieldMapping("given_name=a").error().message().find("'id' is required"),
            std::string::npos);
  EXPECT_NE(ParseFieldMapping("id=a,nickname=b").error().message().find("unknown field"),
            std::string::npos);
  EXPECT_FALSE(ParseFieldMapping("id=a,id=b").has_value());
  EXPECT_FALSE(ParseFieldMapping("id=a,phone").has_value());

  const std::string csv =
      "rec_id, given_name, surname, address_1, address_2\n"
      "r1, ann , lee, 1 high st, unit 2\n"
      "r2,bob,ray,,\n";
  auto records = ReadLinkRecords(csv, *m, "t.csv");
  ASSERT_TRUE(records.has_value()) << records.error();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].values[size_t(Field::kGivenName)][0], "ann");
  EXPECT_EQ((*records)[0].values[size_t(Field::kAddressLine)].size(), 2u);
  EXPECT_TRUE((*records)[1].values[size_t(Field::kAddressLine)].empty());

  auto missing = ReadLinkRecords("rec_id,given_name\nr1,a\n", *m, "t.csv");
  EXPECT_NE(missing.error().message().find("column 'surname'"), std::string::npos);
  auto short_row = ReadLinkRecords(csv + "r3,only\n", *m, "t.csv");
  EXPECT_NE(short_row.error().message().find("t.csv:4:"), std::string::npos) << short_row.error();
  auto no_id = ReadLinkRecords(csv + " ,x,y,z,w\n", *m, "t.csv");
  EXPECT_NE(no_id.error().message().find("id column"), std::string::npos);
}

}  // namespace
}  // namespace kycloud::linking

namespace kycloud::linking {
namespace {

TEST(IdentifierEvidenceTest, SharedIdentifiersSetAFloor) {
  Levels l;
  l.fill(-1);
  EXPECT_EQ(IdentifierFloor(l).probability, 0);
  l[size_t(Comparison::kEmail)] = 1;  // a shared domain only: no floor between persons
  EXPECT_EQ(IdentifierFloor(l).probability, 0);
  EXPECT_EQ(IdentifierFloor(l, true).probability, kIdentifierFloor);  // between organisations
  EXPECT_EQ(IdentifierFloor(l, true).rule, "shared e-mail domain");
  l[size_t(Comparison::kPhone)] = 1;
  EXPECT_EQ(IdentifierFloor(l).probability, kIdentifierFloor);
  EXPECT_EQ(IdentifierFloor(l).rule, "shared phone");
  l[size_t(Comparison::kEmail)] = 2;  // and the same address
  EXPECT_EQ(IdentifierFloor(l).probability, kStrongIdentifierFloor);
  l.fill(-1);
  l[size_t(Comparison::kPayment)] = 1;
  l[size_t(Comparison::kNationalId)] = 1;  // one edit: not a shared id
  EXPECT_EQ(IdentifierFloor(l).probability, kStrongIdentifierFloor);
  EXPECT_EQ(IdentifierFloor(l).rule, "shared payment_fingerprint");
}

}  // namespace
}  // namespace kycloud::linking
