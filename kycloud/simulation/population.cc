#include "kycloud/simulation/population.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cstdio>
#include <random>
#include <string_view>
#include <tuple>
#include <unordered_set>

namespace kycloud::simulation {

namespace {

using std::string_view;

// ---------------------------------------------------------------------------------------------
// Reference data. Phone patterns: '#' a digit, '%' a digit 2-9; postcode patterns: '#' a digit,
// '@' a capital letter. IP ranges are address blocks the bundled geolocation database places in
// the country (population_test checks every one).

enum Culture { kEn, kDe, kFr, kZh, kJa, kKo, kIn, kAr, kNl, kMs };

struct City {
  string_view name, region, postcode, phone;
};

struct IpRange {
  std::uint32_t base;  // network address
  int prefix;
};

constexpr std::uint32_t Ip(int a, int b, int c, int d) {
  return (std::uint32_t(a) << 24) | (std::uint32_t(b) << 16) | (std::uint32_t(c) << 8) |
         std::uint32_t(d);
}

struct Country {
  string_view code;
  double weight;  // share of independent customers
  Culture culture;
  std::vector<City> cities;
  std::vector<string_view> forms;  // legal forms
  string_view tld;
  std::vector<IpRange> ips;
  string_view bank_prefix;  // the start of a bank account number (an IBAN's country)
};

const std::vector<Country>& Countries() {
  static const std::vector<Country> kCountries = {
      {"US",
       0.34,
       kEn,
       {{"New York", "NY", "100##", "+1 212 %######"},
        {"San Francisco", "CA", "941##", "+1 415 %######"},
        {"Austin", "TX", "787##", "+1 512 %######"},
        {"Seattle", "WA", "981##", "+1 206 %######"},
        {"Wilmington", "DE", "198##", "+1 302 %######"}},
       {"Inc", "LLC", "Corp"},
       ".com",
       {{Ip(73, 0, 0, 0), 8}, {Ip(98, 192, 0, 0), 10}},
       "US"},
      {"GB",
       0.07,
       kEn,
       {{"London", "", "EC#@ #@@", "+44 20 7### ####"},
        {"Manchester", "", "M# #@@", "+44 161 %## ####"}},
       {"Ltd", "Limited", "LLP"},
       ".co.uk",
       {{Ip(86, 128, 0, 0), 10}},
       "GB"},
      {"DE",
       0.07,
       kDe,
       {{"Berlin", "", "10###", "+49 30 %#######"}, {"München", "", "80###", "+49 89 %#######"}},
       {"GmbH", "AG", "UG"},
       ".de",
       {{Ip(84, 128, 0, 0), 10}},
       "DE"},
      {"FR",
       0.04,
       kFr,
       {{"Paris", "", "750##", "+33 1 4# ## ## ##"}},
       {"SAS", "SARL", "SA"},
       ".fr",
       {{Ip(90, 0, 0, 0), 11}},
       "FR"},
      {"NL",
       0.03,
       kNl,
       {{"Amsterdam", "", "10## @@", "+31 20 %######"}},
       {"BV", "NV"},
       ".nl",
       {{Ip(77, 160, 0, 0), 12}},
       "NL"},
      {"SG",
       0.06,
       kZh,
       {{"Singapore", "", "0#####", "+65 62## ####"}},
       {"Pte Ltd"},
       ".sg",
       {{Ip(203, 116, 0, 0), 16}, {Ip(175, 156, 0, 0), 16}},
       "SG"},
      {"JP",
       0.05,
       kJa,
       {{"Tokyo", "", "1##-####", "+81 3 %### ####"}},
       {"KK", "Co Ltd"},
       ".jp",
       {{Ip(126, 0, 0, 0), 11}},
       "JP"},
      {"KR",
       0.04,
       kKo,
       {{"Seoul", "", "0####", "+82 2 %### ####"}},
       {"Co Ltd", "Inc"},
       ".kr",
       {{Ip(175, 192, 0, 0), 10}},
       "KR"},
      {"IN",
       0.05,
       kIn,
       {{"Bengaluru", "KA", "560###", "+91 80 4### ####"}},
       {"Pvt Ltd", "Private Limited"},
       ".in",
       {{Ip(117, 192, 0, 0), 10}},
       "IN"},
      {"CA",
       0.04,
       kEn,
       {{"Toronto", "ON", "M5V #@#", "+1 416 %######"}},
       {"Inc", "Ltd", "Corp"},
       ".ca",
       {{Ip(142, 112, 0, 0), 12}},
       "CA"},
      {"AU",
       0.03,
       kEn,
       {{"Sydney", "NSW", "2###", "+61 2 9### ####"}},
       {"Pty Ltd"},
       ".com.au",
       {{Ip(1, 128, 0, 0), 11}},
       "AU"},
      {"AE",
       0.03,
       kAr,
       {{"Dubai", "", "", "+971 4 3## ####"}},
       {"FZ-LLC", "FZE", "LLC"},
       ".ae",
       {{Ip(94, 200, 0, 0), 14}},
       "AE"},
      {"HK",
       0.03,
       kZh,
       {{"Hong Kong", "", "", "+852 25## ####"}},
       {"Limited", "Co Ltd"},
       ".hk",
       {{Ip(112, 118, 0, 0), 16}, {Ip(218, 102, 0, 0), 16}},
       "HK"},
      {"CN",
       0.03,
       kZh,
       {{"Beijing", "", "100###", "+86 10 6### ####"},
        {"Shenzhen", "", "518###", "+86 755 8### ####"}},
       {"Co Ltd", "Technology Co Ltd"},
       ".cn",
       {{Ip(36, 96, 0, 0), 11}, {Ip(114, 240, 0, 0), 12}, {Ip(223, 64, 0, 0), 11}},
       "CN"},
      {"MY",
       0.03,
       kMs,
       {{"Kuala Lumpur", "", "50###", "+60 3 216# ####"}},
       {"Sdn Bhd"},
       ".my",
       {{Ip(175, 136, 0, 0), 13}},
       "MY"},
      {"MO",
       0.005,
       kZh,
       {{"Macau", "", "", "+853 283# ####"}},
       {"Limitada"},
       ".mo",
       {{Ip(202, 175, 0, 0), 17}},
       "MO"},
  };
  return kCountries;
}

const Country& CountryOf(string_view code) {
  for (const Country& c : Countries()) {
    if (c.code == code) return c;
  }
  return Countries().front();
}

struct NameList {
  std::vector<string_view> given, family;
};

const NameList& Names(Culture c) {
  static const std::array<NameList, 10> kNames = {{
      {{"James",  "Mary",   "John",      "Patricia", "Robert",  "Jennifer", "Michael",
        "Linda",  "David",  "Elizabeth", "William",  "Susan",   "Richard",  "Jessica",
        "Thomas", "Sarah",  "Daniel",    "Karen",    "Matthew", "Emily",    "Andrew",
        "Laura",  "Joshua", "Rachel",    "Kevin",    "Olivia"},
       {"Smith",    "Johnson",  "Williams", "Brown",  "Jones", "Miller", "Davis",
        "Wilson",   "Anderson", "Taylor",   "Thomas", "Moore", "Martin", "Jackson",
        "Thompson", "White",    "Harris",   "Clark",  "Lewis", "Walker", "Hall",
        "Allen",    "Young",    "King",     "Wright", "Scott", "Green",  "Baker"}},
      {{"Lukas", "Anna", "Felix", "Lena", "Jonas", "Laura", "Maximilian", "Julia", "Paul", "Sophie",
        "Leon", "Hannah", "Tobias", "Katharina", "Florian", "Johanna", "Stefan", "Miriam"},
       {"Müller", "Schmidt", "Schneider", "Fischer", "Weber",   "Meyer",     "Wagner",
        "Becker", "Schulz",  "Hoffmann",  "Schäfer", "Koch",    "Bauer",     "Richter",
        "Klein",  "Wolf",    "Schröder",  "Neumann", "Schwarz", "Zimmermann"}},
      {{"Jean", "Marie", "Pierre", "Camille", "Louis", "Chloé", "Nicolas", "Manon", "Julien", "Léa",
        "Antoine", "Sophie", "Hugo", "Claire"},
       {"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
        "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "Fournier"}},
      {{"Wei", "Fang", "Jing", "Min",   "Lei", "Yan",  "Jun", "Hui", "Tao",  "Ling",
        "Hao", "Xin",  "Yu",   "Qiang", "Li",  "Ping", "Bo",  "Na",  "Chen", "Ying"},
       {"Wang", "Li",   "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao",
        "Wu",   "Zhou", "Xu",    "Sun", "Ma",   "Zhu",  "Hu",    "Guo",
        "He",   "Lin",  "Gao",   "Luo", "Tan",  "Lim",  "Ng",    "Wong"}},
      {{"Hiroshi", "Yuki", "Takashi", "Aiko", "Kenji", "Haruka", "Satoshi", "Yumi", "Daisuke",
        "Naoko", "Kazuki", "Emi"},
       {"Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
        "Kobayashi", "Kato", "Yoshida", "Yamada"}},
      {{"Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Jun-seo", "Ji-woo", "Hyun-woo", "Soo-ah"},
       {"Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim"}},
      {{"Aarav", "Priya", "Rahul", "Ananya", "Vikram", "Divya", "Arjun", "Kavya", "Rohan", "Sneha",
        "Aditya", "Pooja"},
       {"Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Rao", "Mehta",
        "Joshi", "Shah"}},
      {{"Mohammed", "Fatima", "Ahmed", "Aisha", "Omar", "Mariam", "Khalid", "Noura", "Yousef",
        "Layla"},
       {"Al Mansouri", "Al Hashimi", "Al Nuaimi", "Al Mazrouei", "Al Suwaidi", "Al Falasi",
        "Haddad", "Khoury"}},
      {{"Daan", "Emma", "Sem", "Julia", "Lucas", "Mila", "Bram", "Sanne", "Thijs", "Lotte"},
       {"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit",
        "Meijer", "de Boer"}},
      {{"Ahmad", "Nur", "Muhammad", "Siti", "Hafiz", "Aina", "Amir", "Farah"},
       {"Abdullah", "Ismail", "Ibrahim", "Hassan", "Rahman", "Osman", "Yusof", "Aziz"}},
  }};
  return kNames[c];
}

constexpr string_view kStems[] = {
    "Amber",       "Birch",    "Cobalt",     "Delta",      "Ember",    "Fjord",    "Granite",
    "Harbor",      "Indigo",   "Juniper",    "Kestrel",    "Lumen",    "Meridian", "Nimbus",
    "Onyx",        "Pylon",    "Quartz",     "Raven",      "Sable",    "Tundra",   "Umber",
    "Vertex",      "Willow",   "Xenon",      "Yarrow",     "Zephyr",   "Apex",     "Beacon",
    "Cedar",       "Dune",     "Echo",       "Falcon",     "Garnet",   "Helix",    "Iris",
    "Jade",        "Krypton",  "Lotus",      "Magma",      "Nova",     "Orbit",    "Prism",
    "Quill",       "Ridge",    "Summit",     "Tidal",      "Ultra",    "Vortex",   "Wave",
    "Yukon",       "Zenith",   "Atlas",      "Boreal",     "Cipher",   "Drift",    "Ether",
    "Flux",        "Glacier",  "Horizon",    "Ion",        "Jet",      "Karst",    "Lagoon",
    "Mesa",        "North",    "Oasis",      "Polar",      "Quantum",  "Rapid",    "Solar",
    "Terra",       "Unity",    "Vista",      "Wren",       "Axis",     "Bolt",     "Crest",
    "Dawn",        "Eagle",    "Forge",      "Golden",     "Hawk",     "Icon",     "Keystone",
    "Lynx",        "Maple",    "Nexus",      "Oak",        "Pinnacle", "Quest",    "Redwood",
    "Silver",      "Titan",    "Upland",     "Valley",     "Westwind", "Aurora",   "Bright",
    "Coral",       "Dragon",   "Evergreen",  "Frontier",   "Grove",    "Highland", "Island",
    "Jasper",      "Kite",     "Lighthouse", "Mosaic",     "Noble",    "Ocean",    "Phoenix",
    "Rock",        "Sapphire", "Tiger",      "Union",      "Velvet",   "Wolf",     "Zen",
    "Arrow",       "Blue",     "Crystal",    "Diamond",    "Elm",      "Fusion",   "Gemini",
    "Harvest",     "Ivory",    "Jupiter",    "Kingfisher", "Lark",     "Mercury",  "Neptune",
    "Orion",       "Pacific",  "Ruby",       "Sierra",     "Thunder",  "Vector",   "Windsor",
    "Yellowstone", "Zodiac",   "Alpine",     "Bay"};
constexpr string_view kIndustries[] = {
    "Data",          "Analytics",   "Systems",      "Labs",     "Cloud",     "Networks",
    "Trading",       "Holdings",    "Technologies", "Robotics", "Vision",    "Software",
    "Computing",     "AI",          "Intelligence", "Digital",  "Solutions", "Research",
    "Logistics",     "Capital",     "Media",        "Games",    "Health",    "Energy",
    "Semiconductor", "Informatics", "Consulting",   "Ventures", "Dynamics",  "Innovations"};
constexpr string_view kStreetStems[] = {
    "Oak",        "Maple",        "Market",   "Church",     "Mill",     "Station",    "Park",
    "Victoria",   "King",         "Queen",    "Bridge",     "Harbour",  "Garden",     "Hill",
    "Lake",       "River",        "Spring",   "Forest",     "Cedar",    "Elm",        "Pine",
    "Willow",     "Chestnut",     "Union",    "Liberty",    "Franklin", "Lincoln",    "Madison",
    "Jefferson",  "Washington",   "Grand",    "Central",    "North",    "South",      "East",
    "West",       "Orchard",      "Meadow",   "Sunset",     "Highland", "Riverside",  "Lakeview",
    "Hillcrest",  "Fairview",     "Commerce", "Industrial", "Tech",     "Innovation", "Science",
    "Enterprise", "Nanshan",      "Haidian",  "Chaoyang",   "Futian",   "Nathan",     "Queensway",
    "Raffles",    "Orchard Park", "Collins",  "George"};
constexpr string_view kStreetTypes[] = {"Street", "Road",  "Avenue",    "Lane",  "Way",
                                        "Drive",  "Place", "Boulevard", "Court", "Square"};
constexpr string_view kDeStreetTypes[] = {"straße", "weg", "allee", "platz", "gasse"};
constexpr string_view kFreeMail[] = {"gmail.com",  "outlook.com", "yahoo.com", "hotmail.com",
                                     "icloud.com", "proton.me",   "qq.com",    "163.com"};
constexpr string_view kBanks[] = {"JPMorgan Chase", "HSBC",    "DBS",  "Deutsche Bank",
                                  "BNP Paribas",    "MUFG",    "ICBC", "Standard Chartered",
                                  "Emirates NBD",   "Maybank", "ING",  "RBC"};
constexpr string_view kGpuTypes[] = {"g5.xlarge",
                                     "g5.12xlarge",
                                     "g6e.xlarge",
                                     "p4d.24xlarge",
                                     "p5.48xlarge",
                                     "a2-highgpu-1g",
                                     "Standard_NC24ads_A100_v4"};
constexpr string_view kRegions[] = {"us-east-1", "us-west-2", "eu-central-1", "ap-southeast-1",
                                    "ap-northeast-1"};

// A stable hash (std::hash differs between standard libraries; the population must not).
std::uint64_t Fnv(string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

// ---------------------------------------------------------------------------------------------

class Generator {
 public:
  explicit Generator(const SimulationOptions& o) : o_(o), rng_(o.seed) {}

  Result<Population> Run();

 private:
  std::uint64_t Next() { return rng_(); }
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  template <typename T, size_t N>
  string_view Pick(const T (&arr)[N]) {
    return arr[Below(N)];
  }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

  std::string Pattern(string_view pattern) {
    std::string out;
    for (char c : pattern) {
      if (c == '#') {
        out += static_cast<char>('0' + Below(10));
      } else if (c == '%') {
        out += static_cast<char>('2' + Below(8));
      } else if (c == '@') {
        out += static_cast<char>('A' + Below(26));
      } else {
        out += c;
      }
    }
    return out;
  }
  // Whether `value` (a phone, an e-mail domain, a person's name and birth date) is new: one
  // subscriber has a phone number, one company a domain — the population shares them only where
  // one party holds several accounts. (A hash per value; a collision only redraws.)
  bool Fresh(const std::string& value) { return used_.insert(Fnv(value)).second; }
  // A person's name made unique with a middle initial and a counter (huge populations only).
  std::string Unique(const std::string& name) {
    const size_t space = name.find(' ');
    return name.substr(0, space) + " " + static_cast<char>('A' + Below(26)) + "." +
           std::to_string(++uniques_) + name.substr(space);
  }
  std::string FreshPattern(string_view pattern) {
    std::string v;
    for (int tries = 0; tries < 64; ++tries) {
      v = Pattern(pattern);
      if (Fresh(v)) break;
    }
    return v;
  }
  std::string Digits(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('0' + Below(10));
    return s;
  }
  // A provider's token: letters and digits, never a run of digits that could pass for a card
  // number (onboarding refuses those).
  std::string Token(int n) {
    static constexpr char kChars[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string s;
    for (int i = 0; i < n; ++i) {
      s += i % 4 == 3 ? static_cast<char>('a' + Below(26)) : kChars[Below(36)];
    }
    return s;
  }
  const Country& PickCountry() {
    double r = Unit() * total_weight_;
    for (const Country& c : Countries()) {
      if ((r -= c.weight) <= 0) return c;
    }
    return Countries().front();
  }
  std::string Slug(string_view s) {
    std::string out;
    for (char c : s) {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    return out;
  }

  // An address in `city`: a street's postcode is fixed by the street, so neighbours share it.
  cip::Address StreetAddress(const Country& country, const City& city) {
    cip::Address a;
    std::string street;
    if (country.culture == kDe) {
      street = std::string(Pick(kStreetStems)) + std::string(Pick(kDeStreetTypes));
    } else {
      street = std::string(Pick(kStreetStems)) + " " + std::string(Pick(kStreetTypes));
    }
    const int number = 1 + static_cast<int>(Below(Chance(0.7) ? 200 : 2500));
    a.lines.push_back(country.culture == kDe ? street + " " + std::to_string(number)
                                             : std::to_string(number) + " " + street);
    a.locality = std::string(city.name);
    a.region = std::string(city.region);
    a.country = std::string(country.code);
    a.postcode = StreetPostcode(city, street);
    return a;
  }
  std::string StreetPostcode(const City& city, const std::string& street) {
    if (city.postcode.empty()) return "";
    std::mt19937_64 local(Fnv(std::string(city.name) + "/" + street) ^ o_.seed);
    std::string out;
    for (char c : city.postcode) {
      if (c == '#') {
        out += static_cast<char>('0' + local() % 10);
      } else if (c == '@') {
        out += static_cast<char>('A' + local() % 26);
      } else {
        out += c;
      }
    }
    return out;
  }

  std::string Ipv4In(const IpRange& r) {
    const std::uint32_t size = r.prefix >= 32 ? 1u : (1u << (32 - r.prefix));
    std::uint32_t ip = r.base + static_cast<std::uint32_t>(Below(size));
    if ((ip & 0xff) == 0 || (ip & 0xff) == 255) ip = (ip & ~0xffu) | (1 + Below(254));
    return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 0xff) + "." +
           std::to_string((ip >> 8) & 0xff) + "." + std::to_string(ip & 0xff);
  }
  // A /24 network of the country: its first three octets and a dot.
  std::string Network24(const Country& c) {
    std::string ip = Ipv4In(Pick(c.ips));
    return ip.substr(0, ip.rfind('.') + 1);
  }
  std::string HostIn(const std::string& network) {
    return network + std::to_string(1 + Below(254));
  }

  std::string PersonName(Culture c) {
    const NameList& n = Names(c);
    return std::string(Pick(n.given)) + " " + std::string(Pick(n.family));
  }
  std::string Dob() {
    const int year = 1950 + static_cast<int>(Below(53));
    const int month = 1 + static_cast<int>(Below(12));
    const int day = 1 + static_cast<int>(Below(28));
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    return buf;
  }
  std::string CompanyName(const Country& c) {
    std::string name(Pick(kStems));
    const double r = Unit();
    if (r < 0.45) {
      name += " " + std::string(Pick(kStems));
    } else if (r < 0.65) {
      name = std::string(Pick(Names(c.culture).family)) + " " + name;
    }
    name += " " + std::string(Pick(kIndustries)) + " " + std::string(Pick(c.forms));
    return name;
  }

  cip::BeneficialOwner Owner(const Country& c, std::string id) {
    cip::BeneficialOwner o;
    o.id = std::move(id);
    o.kind = "person";
    o.names.push_back({PersonName(c.culture), "legal"});
    o.nationality = std::string(c.code);
    o.residence_country = std::string(c.code);
    int tries = 0;
    do {
      o.date_of_birth = Dob();
    } while (!Fresh(o.names[0].full + "|" + o.date_of_birth) && ++tries < 64);
    if (tries == 64) {  // the culture's names are used up with every birth date: a middle initial
      o.names[0].full = Unique(o.names[0].full);
    }
    o.share = 0.25 + 0.75 * static_cast<double>(Below(4)) / 4.0;
    return o;
  }

  cip::PaymentInstrument Card(const Country& c) {
    cip::PaymentInstrument p;
    p.type = "card";
    p.institution = std::string(Pick(kBanks));
    p.issuing_country = std::string(c.code);
    p.fingerprint = "fp_" + Token(16);
    return p;
  }
  cip::PaymentInstrument Bank(const Country& c) {
    cip::PaymentInstrument p;
    p.type = "bank_account";
    p.institution = std::string(Pick(kBanks));
    p.issuing_country = std::string(c.code);
    p.fingerprint = "ba_" + std::string(c.bank_prefix) + Token(14);
    return p;
  }

  // An independent customer of `country` (its networks in `ips`).
  SimulatedCustomer Independent(std::string id, const Country& country) {
    SimulatedCustomer s;
    cip::Customer& r = s.record;
    r.id = id;
    const City& city = Pick(country.cities);
    const bool person = Chance(0.12);
    r.kind = person ? "individual" : "organisation";
    r.addresses.push_back(StreetAddress(country, city));
    if (person) {
      std::string name;
      int tries = 0;
      do {
        name = PersonName(country.culture);
        r.date_of_birth = Dob();
      } while (!Fresh(name + "|" + r.date_of_birth) && ++tries < 64);
      if (tries == 64) name = Unique(name);
      r.names.push_back({name, "legal"});
      r.nationalities.push_back(std::string(country.code));
      std::string email;  // a mailbox is one person's: never drawn twice
      tries = 0;
      do {
        email = Slug(name) + Digits(tries < 16 ? 3 : 7) + "@" + std::string(Pick(kFreeMail));
      } while (!Fresh(email) && ++tries < 64);
      r.emails.push_back(std::move(email));
      r.national_ids.push_back({"passport",
                                std::string(1, static_cast<char>('A' + Below(26))) + Digits(8),
                                std::string(country.code)});
    } else {
      const std::string name = CompanyName(country);
      r.names.push_back({name, "legal"});
      r.country_of_incorporation = std::string(country.code);
      r.headquarters_country = std::string(country.code);
      std::string domain;
      int tries = 0;
      do {
        domain = Slug(name).substr(0, 24) + Digits(tries < 16 ? 2 : 6) + std::string(country.tld);
      } while (!Fresh(domain) && ++tries < 64);
      r.website = "https://" + domain;
      r.emails.push_back(std::string(Chance(0.5) ? "ops" : "billing") + "@" + domain);
      r.beneficial_owners.push_back(Owner(country, id + "-bo1"));
      const double place = Unit();
      if (place < 0.03 && AgentsIn(country)) {
        // A formation agent's registered office: one per city, shared by hundreds of companies.
        r.addresses[0].lines = {"1 Formation House, " + std::string(city.name)};
        r.addresses[0].postcode = StreetPostcode(city, "formation");
      } else if (place < 0.10) {
        // A business centre: one of ten buildings per city, a suite each.
        const int building = static_cast<int>(Below(10));
        r.addresses[0].lines = {std::to_string(10 + building * 7) + " " +
                                    std::string(kStreetStems[building]) + " Business Centre",
                                "Suite " + std::to_string(100 + Below(900))};
        r.addresses[0].postcode = StreetPostcode(city, std::to_string(building) + "centre");
      }
    }
    r.us_presence = country.code == "US";
    r.phones.push_back(FreshPattern(city.phone));
    if (!person && Chance(0.35)) {
      r.payment_instruments.push_back(Bank(country));
    } else if (processor_tokens_ > 0 && Chance(0.02)) {
      // A payment processor's token, shared by hundreds: generic, links nobody.
      cip::PaymentInstrument p = Card(country);
      p.fingerprint = "fp_processor_" + std::to_string(Below(processor_tokens_));
      r.payment_instruments.push_back(p);
    } else {
      r.payment_instruments.push_back(Card(country));
    }
    const int networks = 1 + static_cast<int>(Below(2));
    for (int k = 0; k < networks; ++k) {
      s.ips.push_back(nat_ips_ > 0 && Chance(0.03)
                          ? "34.120.0." + std::to_string(1 + Below(nat_ips_))  // a cloud NAT
                          : Ipv4In(Pick(country.ips)));
    }
    s.role = Role::kIndependent;
    s.party = id;
    s.true_country = std::string(country.code);
    return s;
  }

  void ShellNetwork(std::vector<SimulatedCustomer>& out, size_t size);
  void Reseller(std::vector<SimulatedCustomer>& out, size_t end_users);
  void Activity(Population& p);

  std::string NextId() {
    char buf[32];
    std::snprintf(buf, sizeof buf, "cust-%09zu", next_id_++);
    return buf;
  }

  // Formation agents' offices exist where a city has enough companies for each to serve hundreds
  // (generic values are shared by hundreds, not by a handful: a handful is a network).
  bool AgentsIn(const Country& c) const {
    return static_cast<double>(o_.customers) * c.weight / total_weight_ /
               static_cast<double>(c.cities.size()) * 0.03 >=
           150;
  }

  SimulationOptions o_;
  std::mt19937_64 rng_;
  std::unordered_set<std::uint64_t> used_;
  size_t uniques_ = 0;
  size_t processor_tokens_ = 0;  // a processor's tokens, each used by about 300 customers
  size_t nat_ips_ = 0;           // a cloud NAT's addresses (at most 254), about 300 customers each
  double total_weight_ = 0;
  size_t next_id_ = 1;
  Timestamp begin_{}, end_{};
  std::vector<std::vector<size_t>> networks_;  // customer indices of each shell network
};

void Generator::ShellNetwork(std::vector<SimulatedCustomer>& out, size_t size) {
  // The hidden party: mostly in China, Hong Kong or Macau; its accounts incorporated elsewhere.
  const double where = Unit();
  const Country& home = CountryOf(where < 0.55   ? "CN"
                                  : where < 0.75 ? "HK"
                                  : where < 0.8  ? "MO"
                                                 : "SG");
  static constexpr string_view kFronts[] = {"SG", "AE", "GB", "HK", "MY", "NL", "US", "DE"};
  const Country& front = CountryOf(Pick(kFronts));
  const City& office_city = Pick(front.cities);
  const std::string party_id = "party-" + std::to_string(networks_.size() + 1);
  const std::string phone = FreshPattern(office_city.phone);
  const cip::PaymentInstrument card = Card(home);
  const cip::PaymentInstrument bank = Bank(front);
  std::string domain;
  int tries = 0;
  do {
    domain = Slug(Pick(kStems)) + Slug(Pick(kIndustries)) + Digits(tries < 16 ? 3 : 7) + ".com";
  } while (!Fresh(domain) && ++tries < 64);
  cip::Address office = StreetAddress(front, office_city);
  const bool virtual_office = Chance(0.5);
  const std::string network = Network24(home);
  // Half the parties work from an office whose few public addresses every account connects
  // from; the others from a home or mobile /24 whose hosts change.
  std::vector<std::string> office_hosts;
  if (Chance(0.5)) {
    while (office_hosts.size() < 3) {
      std::string h = HostIn(network);
      if (std::find(office_hosts.begin(), office_hosts.end(), h) == office_hosts.end()) {
        office_hosts.push_back(std::move(h));
      }
    }
  }
  const cip::BeneficialOwner nominee = Owner(home, "");
  std::vector<size_t> members;
  std::vector<unsigned> masks;
  for (size_t k = 0; k < size; ++k) {
    const std::string id = NextId();
    SimulatedCustomer s = Independent(id, front);
    while (s.record.kind != "organisation") s = Independent(id, front);
    cip::Customer& r = s.record;
    // Shares two or more different identifiers of the party's, each with probability 0.3
    // (drawn again until two are) — and, after the first account, `network_ties` of them with
    // an account before it (the shortfall drawn from that account's): what makes the accounts a
    // network is what they share with each other (an account sharing the party's identifiers
    // with no other account is invisible to anyone).
    unsigned mask = 0;
    while (std::popcount(mask) < 2) {
      for (int what = 0; what < 7; ++what) {
        if (Chance(0.3)) mask |= 1u << what;
      }
    }
    if (k > 0) {
      const unsigned mate = masks[Below(k)];
      std::vector<int> missing;  // the mate's identifiers this account does not share yet
      for (int what = 0; what < 7; ++what) {
        if ((mate & (1u << what)) && !(mask & (1u << what))) missing.push_back(what);
      }
      std::shuffle(missing.begin(), missing.end(), rng_);
      for (int what : missing) {
        if (std::popcount(mask & mate) >= o_.network_ties) break;
        mask |= 1u << what;
      }
    }
    masks.push_back(mask);
    {
      for (int what = 0; what < 7; ++what) {
        if ((mask & (1u << what)) == 0) continue;
        switch (what) {
          case 0:
            r.phones = {phone};
            break;
          case 1:
            r.payment_instruments = {card};
            break;
          case 2:
            r.payment_instruments.push_back(bank);
            break;
          case 3:
            r.emails = {"admin" + std::to_string(k + 1) + "@" + domain};
            break;
          case 4:
            r.addresses = {office};
            if (!virtual_office) r.addresses[0].lines.push_back("Suite " + std::to_string(k + 1));
            break;
          case 5:
            if (office_hosts.empty()) {
              s.ips = {HostIn(network), HostIn(network)};
            } else {  // two of the office's three addresses
              const size_t skip = Below(3);
              s.ips.clear();
              for (size_t h = 0; h < 3; ++h) {
                if (h != skip) s.ips.push_back(office_hosts[h]);
              }
            }
            break;
          case 6: {
            cip::BeneficialOwner o = nominee;
            o.id = id + "-bo1";
            r.beneficial_owners = {o};
            break;
          }
        }
      }
    }
    s.role = Role::kShell;
    s.party = party_id;
    s.true_country = std::string(home.code);
    members.push_back(out.size());
    out.push_back(std::move(s));
  }
  networks_.push_back(std::move(members));
}

void Generator::Reseller(std::vector<SimulatedCustomer>& out, size_t end_users) {
  static constexpr string_view kResellerHomes[] = {"SG", "MY", "AE", "HK"};
  const Country& home = CountryOf(Pick(kResellerHomes));
  SimulatedCustomer reseller = Independent(NextId(), home);
  while (reseller.record.kind != "organisation") reseller = Independent(reseller.record.id, home);
  reseller.record.is_reseller = true;
  reseller.record.end_user_countries = {std::string(home.code), "ID", "TH"};
  reseller.role = Role::kReseller;
  const std::string reseller_id = reseller.record.id;
  out.push_back(std::move(reseller));
  const Country& cn = CountryOf("CN");
  for (size_t k = 0; k < end_users; ++k) {
    SimulatedCustomer s = Independent(NextId(), home);
    s.record.reseller_id = reseller_id;
    s.role = Role::kEndUser;
    if (Chance(0.4)) {
      // Really in China: connects from Chinese networks and pays with a card issued there.
      s.ips = {Ipv4In(Pick(cn.ips)), Ipv4In(Pick(cn.ips))};
      s.record.payment_instruments = {Card(cn)};
      s.true_country = "CN";
    }
    out.push_back(std::move(s));
  }
}

void Generator::Activity(Population& p) {
  using std::chrono::hours;
  const auto span = std::chrono::duration_cast<std::chrono::microseconds>(end_ - begin_);
  auto at = [&](double f) {
    return begin_ + std::chrono::microseconds(static_cast<std::int64_t>(f * span.count()));
  };
  if (o_.access_events) {
    static constexpr string_view kActions[] = {"login", "login", "api", "api", "api", "admin"};
    for (const SimulatedCustomer& c : p.customers) {
      const int n = 1 + static_cast<int>(Below(4));
      for (int k = 0; k < n; ++k) {
        p.access_events.push_back(
            {c.record.id, c.ips[Below(c.ips.size())], at(Unit()), std::string(Pick(kActions))});
      }
    }
    std::stable_sort(p.access_events.begin(), p.access_events.end(),
                     [](const AccessEvent& a, const AccessEvent& b) {
                       return std::tie(a.at, a.customer_id) < std::tie(b.at, b.customer_id);
                     });
  }
  if (!o_.usage) return;
  size_t seq = 0;
  auto record_id = [&] { return "sim-" + std::to_string(o_.seed) + "-" + std::to_string(++seq); };
  // Ordinary use: a tenth of the customers rent a few GPUs for hours at a time.
  for (const SimulatedCustomer& c : p.customers) {
    if (c.role == Role::kShell || !Chance(0.1)) continue;
    const int jobs = 1 + static_cast<int>(Below(5));
    for (int k = 0; k < jobs; ++k) {
      UsageEvent u;
      u.record_id = record_id();
      u.account_id = c.record.id;
      u.instance_type = std::string(Pick(kGpuTypes));
      u.instance_count = 1 + static_cast<int>(Below(2));
      u.region = std::string(Pick(kRegions));
      u.start = at(Unit() * 0.95);
      u.end = u.start + hours(1 + Below(48));
      if (u.end > end_) u.end = end_;
      p.usage.push_back(std::move(u));
    }
  }
  // Split training runs: each account of a network trains on one cluster over the same 60 days,
  // 12 p5.48xlarge (96 H100) each — about 3.1e23 operations at the P95 estimate the tiers compare
  // (1.5e23 central), under the 1% tier (1e24) alone; 4 or more accounts together cross it.
  if (o_.split_runs) {
    for (size_t n = 0; n < networks_.size(); ++n) {
      const std::string cluster = "pg-train-" + std::to_string(n + 1);
      const Timestamp run_start = end_ - hours(24 * 60);
      for (size_t member : networks_[n]) {
        for (int day = 0; day < 60; ++day) {
          UsageEvent u;
          u.record_id = record_id();
          u.account_id = p.customers[member].record.id;
          u.instance_type = "p5.48xlarge";
          u.instance_count = 12;
          u.region = "us-east-1";
          u.cluster = cluster;
          u.start = run_start + hours(24 * day);
          u.end = u.start + hours(24);
          p.usage.push_back(std::move(u));
        }
      }
    }
  }
  std::stable_sort(p.usage.begin(), p.usage.end(),
                   [](const UsageEvent& a, const UsageEvent& b) { return a.start < b.start; });
}

Result<Population> Generator::Run() {
  if (o_.customers == 0 || o_.customers > 100'000'000) {
    return Err(InvalidArgumentError("customers: must be between 1 and 100,000,000"));
  }
  if (o_.network_ties < 1 || o_.network_ties > 2) {
    return Err(InvalidArgumentError("network_ties: must be 1 or 2"));
  }
  if (!(o_.shell_share >= 0 && o_.shell_share <= 0.5)) {
    return Err(InvalidArgumentError("shell_share: must be in [0, 0.5]"));
  }
  if (!(o_.reseller_share >= 0 && o_.reseller_share <= 0.5)) {
    return Err(InvalidArgumentError("reseller_share: must be in [0, 0.5]"));
  }
  if (o_.days < 1 || o_.days > 3650) return Err(InvalidArgumentError("days: must be in [1, 3650]"));
  auto as_of = ParseRfc3339(o_.as_of);
  if (!as_of) return Err(InvalidArgumentError("as_of: " + std::string(as_of.error().message())));
  end_ = *as_of;
  begin_ = end_ - std::chrono::hours(24 * o_.days);
  for (const Country& c : Countries()) total_weight_ += c.weight;
  processor_tokens_ = static_cast<size_t>(static_cast<double>(o_.customers) * 0.015 / 300);
  nat_ips_ =
      std::min<size_t>(254, static_cast<size_t>(static_cast<double>(o_.customers) * 0.045 / 300));

  Population p;
  p.customers.reserve(o_.customers);
  while (p.customers.size() < o_.customers) {
    const size_t left = o_.customers - p.customers.size();
    const double roll = Unit();
    if (roll < o_.shell_share / 5.5 && left >= 8) {  // networks average 5.5 accounts
      ShellNetwork(p.customers, 3 + Below(6));
      continue;
    }
    if (roll < o_.shell_share / 5.5 + o_.reseller_share / 20 && left >= 31) {
      Reseller(p.customers, 10 + Below(21));
      ++p.resellers;
      continue;
    }
    p.customers.push_back(Independent(NextId(), PickCountry()));
  }
  p.shell_networks = networks_.size();
  Activity(p);
  return p;
}

}  // namespace

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kIndependent:
      return "independent";
    case Role::kShell:
      return "shell";
    case Role::kReseller:
      return "reseller";
    case Role::kEndUser:
      return "end_user";
  }
  return "independent";
}

Result<Population> Simulate(const SimulationOptions& options) { return Generator(options).Run(); }

std::string UsageJson(const UsageEvent& u) {
  nlohmann::json j = {{"record_id", u.record_id},
                      {"account_id", u.account_id},
                      {"instance_type", u.instance_type},
                      {"instance_count", u.instance_count},
                      {"start", FormatRfc3339(u.start)},
                      {"end", FormatRfc3339(u.end)},
                      {"region", u.region}};
  if (!u.cluster.empty()) j["cluster"] = u.cluster;
  return j.dump();
}

std::string AccessEventJson(const AccessEvent& e) {
  return nlohmann::json{{"customer_id", e.customer_id},
                        {"ip", e.ip},
                        {"at", FormatRfc3339(e.at)},
                        {"action", e.action}}
      .dump();
}

}  // namespace kycloud::simulation
