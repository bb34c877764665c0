/* fuzz_regex.c - the regex binding (rulerun.re): pattern and flags from the
 * input's first line, the subject from the rest; every function of the module. */
#include "fuzz.h"

const char fuzz_lua_script[] =
  "local re = require 'rulerun.re'\n"
  "local flags = {'', 'i', 'm', 's', 'x', 'u', 'im'}\n"
  "return function(input)\n"
  "  local pat, subject = input:match('^([^\\n]*)\\n(.*)$')\n"
  "  if not pat then pat, subject = input, input end\n"
  "  local f = flags[#pat % #flags + 1]\n"
  "  local ok, r = pcall(re.compile, pat, f)\n"
  "  if not ok then return end\n"
  "  pcall(re.find, subject, pat, 1, f)\n"
  "  pcall(re.match, subject, pat, #subject // 2 + 1, f)\n"
  "  pcall(re.test, subject, pat, 1, f)\n"
  "  pcall(function() local n = 0 for a, b in re.gmatch(subject, pat, f) do n = n + 1 if n > 1000 then break end end end)\n"
  "  pcall(re.gsub, subject, pat, '<%0>', 100, f)\n"
  "  pcall(re.gsub, subject, pat, function(m) return m:upper() end, 100, f)\n"
  "  pcall(re.split, subject, pat, f)\n"
  "  pcall(re.escape, subject)\n"
  "end\n";
