#pragma once
// Moved to the public interface: the in-process API client drives the handler directly.
#include "kscratch/apiserver/http.h"
