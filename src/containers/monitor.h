#pragma once
// Pieces of the monitor (monitor.cc) that are worth testing on their own.

#include <string>

namespace kscratch::containers {

// runc reports failures as logrus lines (`time=... level=error msg="..."`): the last
// error's message, unquoted; other output is returned trimmed.
std::string runc_error_message(const std::string& output);

}  // namespace kscratch::containers
