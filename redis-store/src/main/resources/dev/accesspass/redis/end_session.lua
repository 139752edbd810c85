-- revokeSession, and purgeExpired when ARGV[1] (now) is given: deletes the session unless, with a now, it still
-- lives. With ARGV[2] (an owner, revokeSession(owner, id)), only a session of that user: another user's session
-- answers {0}, exactly as an unknown one, and is left untouched. KEYS[1] = ap:{sid}:s, KEYS[2] = ap:{sid}:u.
-- Returns {0} (no such session), {2, deadAt or ''} (alive: the purge re-files it), or {1, user, pointers...}
-- (ended; the caller deletes the token pointers, which name other slots).
local s, u = KEYS[1], KEYS[2]
local f = redis.call('HMGET', s, 'user', 'ends', 'a', 'ax', 'r', 'rx', 'pa', 'pax')
if not f[1] then
    return {0}
end
if ARGV[2] and ARGV[2] ~= '' and ARGV[2] ~= f[1] then
    return {0}
end
if ARGV[1] and ARGV[1] ~= '' then
    local now = tonumber(ARGV[1])
    local ends, ax, rx, pax = tonumber(f[2]), tonumber(f[4]), tonumber(f[6]), tonumber(f[8]) or 0
    local dead = (ends and now >= ends) or (rx and now >= ax and now >= rx and now >= pax)
    if not dead then
        if rx then
            return {2, string.format('%.0f', math.max(ax, rx, pax))}
        end
        return {2, ''}
    end
end
local reply = {1, f[1], 'a:' .. f[3], 'r:' .. f[5]}
if f[7] then table.insert(reply, 'a:' .. f[7]) end
local ring = redis.call('HGET', u, 'ring')
if ring then
    for h in string.gmatch(ring, '%S+') do table.insert(reply, 'r:' .. h) end
end
redis.call('DEL', s, u)
return reply
