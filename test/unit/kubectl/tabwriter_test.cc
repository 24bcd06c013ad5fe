// Go's tabwriter with kubectl's settings.

#include "printers/tabwriter.h"

#include <catch2/catch.hpp>

using kscratch::kubectl::TabWriter;

TEST_CASE("columns are the widest cell plus three, at least six, the last cell unpadded") {
  TabWriter w;
  w.write("NAME\tREADY\tAGE\nweb-1\t1/1\t5s\nx\t0/1\t10m\n");
  CHECK(w.flush() ==
        "NAME    READY   AGE\n"
        "web-1   1/1     5s\n"
        "x       0/1     10m\n");
}

TEST_CASE("an empty last cell still pads the cell before it, as Go does") {
  TabWriter w;
  w.write("A\tB\na\t\n");
  CHECK(w.flush() == "A     B\na     \n");
}

TEST_CASE("cells are measured in runes") {
  TabWriter w;
  w.write("\xc3\xa9t\xc3\xa9\tx\nab\ty\n");
  CHECK(w.flush() == "\xc3\xa9t\xc3\xa9   x\nab    y\n");
}

TEST_CASE("lines with fewer cells end a column block") {
  TabWriter w;
  w.write("aaaaaaaaaa\tb\nc\n d\te\n");
  CHECK(w.flush() == "aaaaaaaaaa   b\nc\n d    e\n");
}
