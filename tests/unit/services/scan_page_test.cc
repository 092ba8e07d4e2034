// ScanPage: pages of directory records that a filter keeps, across the scan's chunks.
#include <gtest/gtest.h>

#include "services/iam/pagination.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

// Groups g00…g19 of one account; the odd ones under /odd/.
void AddTwentyGroups(store::Directory& dir) {
  store::WriteBatch batch;
  for (int i = 0; i < 20; ++i) {
    char name[4];
    snprintf(name, sizeof(name), "g%02d", i);
    batch.writes.push_back(
        store::Put<model::Group>{{"111111111111", name, i % 2 ? "/odd/" : "/", "AGPA", 0}});
  }
  dir.Apply(batch);
}

TEST(ScanPageTest, FollowsMarkersThroughFilteredChunks) {
  store::Directory dir;
  AddTwentyGroups(dir);
  auto odd = [](const model::Group& g) { return g.path == "/odd/"; };
  std::vector<std::string> names;
  PageRequest page{"", 2};
  int pages = 0;
  while (true) {
    json out;
    for (const auto& g : ScanPage<model::Group>(dir, "111111111111/", page, odd, out)) {
      names.push_back(g->name);
    }
    ++pages;
    if (!out["IsTruncated"].get<bool>()) {
      EXPECT_FALSE(out.contains("Marker"));
      break;
    }
    page.marker = out["Marker"];
  }
  EXPECT_EQ(pages, 5);
  EXPECT_EQ(names, (std::vector<std::string>{"g01", "g03", "g05", "g07", "g09", "g11", "g13", "g15",
                                             "g17", "g19"}));
}

// A full chunk whose last record is kept, with the page not yet full, goes on to the next chunk.
TEST(ScanPageTest, ChunkEndingWithAKeptRecord) {
  store::Directory dir;
  AddTwentyGroups(dir);
  json out;
  auto items = ScanPage<model::Group>(  // chunk g01 g02 g03: g01, g03 kept; then g05 is past
      dir, "111111111111/", PageRequest{"g00", 2},
      [](const model::Group& g) { return g.path == "/odd/"; }, out);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1]->name, "g03");
  EXPECT_TRUE(out["IsTruncated"].get<bool>());
  EXPECT_EQ(out["Marker"], "g03");
}

TEST(ScanPageTest, LastPageOfAFilterIsNotTruncated) {
  store::Directory dir;
  AddTwentyGroups(dir);
  json out;
  auto items = ScanPage<model::Group>(
      dir, "111111111111/", PageRequest{"g15", 3},
      [](const model::Group& g) { return g.path == "/odd/"; }, out);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]->name, "g17");
  EXPECT_FALSE(out["IsTruncated"].get<bool>());
}

}  // namespace
}  // namespace gatehouse::services::iam
