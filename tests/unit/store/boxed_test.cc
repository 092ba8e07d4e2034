// Boxed: a batch's write or precondition behaves as the variant it holds — made from any
// alternative, copied deeply, moved without copying, read with std::visit and std::get_if.
#include "store/boxed.h"

#include <gtest/gtest.h>

#include <vector>

#include "store/store.h"

namespace gatehouse::store {
namespace {

Put<model::Role> RolePut(const std::string& name) {
  model::Role role;
  role.account_id = "111122223333";
  role.name = name;
  return Put<model::Role>{role, /*create=*/true};
}

TEST(Boxed, HoldsTheAlternativeItWasMadeFrom) {
  const Put<model::Role> put = RolePut("Admin");
  Write from_lvalue = put;
  Write from_rvalue = RolePut("Reader");
  Write erase = Erase<model::Role>{"111122223333/Reader"};
  EXPECT_EQ(std::get<Put<model::Role>>(from_lvalue.get()).value.name, "Admin");
  EXPECT_EQ(std::get<Put<model::Role>>(from_rvalue.get()).value.name, "Reader");
  EXPECT_EQ(std::get_if<Put<model::Role>>(&erase.get()), nullptr);
  EXPECT_EQ(from_lvalue.get().index(), Write::kIndexOf<Put<model::Role>>);
  static_assert(Write::kIndexOf<InsertAccount> == 0);
  static_assert(Write::kIndexOf<int> == kNotAnAlternative);
  static_assert(!std::is_constructible_v<Write, int>);
}

TEST(Boxed, CopiesAreIndependentAndMovesTakeTheValue) {
  Write original = RolePut("Admin");
  Write copy = original;
  std::get<Put<model::Role>>(copy.get()).value.name = "Changed";
  EXPECT_EQ(std::get<Put<model::Role>>(original.get()).value.name, "Admin");

  const auto* held = &original.get();
  Write moved = std::move(original);
  EXPECT_EQ(&moved.get(), held);  // the same value, not a copy of it

  copy = moved;
  EXPECT_EQ(std::get<Put<model::Role>>(copy.get()).value.name, "Admin");
  copy = copy;  // NOLINT: assigning a Boxed to itself keeps its value
  EXPECT_EQ(std::get<Put<model::Role>>(copy.get()).value.name, "Admin");
}

TEST(Boxed, ABatchKeepsItsWritesAndPreconditionsInOrder) {
  WriteBatch batch;
  for (int i = 0; i < 100; ++i) batch.writes.push_back(RolePut("r" + std::to_string(i)));
  batch.preconditions.push_back(Absent<model::Role>("111122223333/r0"));
  batch.preconditions.push_back(UserAbsent("111122223333", "alice"));
  const WriteBatch copy = batch;
  for (int i = 0; i < 100; ++i) {
    std::visit(
        [&](const auto& w) {
          using T = std::decay_t<decltype(w)>;
          if constexpr (std::is_same_v<T, Put<model::Role>>) {
            EXPECT_EQ(w.value.name, "r" + std::to_string(i));
          } else {
            ADD_FAILURE() << "write " << i << " changed kind";
          }
        },
        copy.writes[i].get());
  }
  EXPECT_NE(std::get_if<ExpectUser>(&copy.preconditions[1].get()), nullptr);
}

}  // namespace
}  // namespace gatehouse::store
