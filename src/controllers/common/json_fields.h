#pragma once
// The controllers read API objects through apimachinery's field accessors, unqualified.

#include "kscratch/apimachinery/object.h"

namespace kscratch::controllers {
using namespace apimachinery::object;  // NOLINT: the accessors are the controllers' vocabulary
}  // namespace kscratch::controllers
