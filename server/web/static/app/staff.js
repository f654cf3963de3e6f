// Where a staff member works: the union branches of their roles, from /me's scopes.

// [{role, union_id, union_name, province_code}] of the person's branches, for one role or all.
export function branches(person, role) {
  return (person.user?.scopes || []).filter((scope) => scope.union_id && (!role || scope.role === role));
}
