// One parser per `show crypto` command; show.cc dispatches to them. Internal to show/.
#pragma once
#include "show/show.h"

namespace ipsecdoc::show::detail {

void parse_ipsec_sa(const TextSection& s, Parsed& out);
void parse_ipsec_sa_count(const TextSection& s, Parsed& out);
void parse_engine_connections(const TextSection& s, Parsed& out);
void parse_isakmp_sa(const TextSection& s, Parsed& out);  // plain, active/standby and detail rows
void parse_isakmp_sa_count(const TextSection& s, Parsed& out);
void parse_crypto_map(const TextSection& s, Parsed& out);
void parse_transform_set(const TextSection& s, Parsed& out);
void parse_session(const TextSection& s, Parsed& out);  // plain and detail

// Shared text helpers.
std::string_view trim(std::string_view s);
bool is_prompt_line(std::string_view trimmed);  // "r3640a# show crypto ipsec sa"

}  // namespace ipsecdoc::show::detail
