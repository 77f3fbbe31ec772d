// fairly-cutfs: a FUSE filesystem for power-cut tests (issue 19).
//
//   fairly-cutfs [--seed N] BACKING MOUNTPOINT
//
// It behaves like a disk whose write cache is lost when the power goes. What
// has been made durable lives in BACKING (one data file an inode, data/<ino>,
// and the durable namespace in BACKING/meta); everything else lives in memory:
//
//   - file data and size changes (write, truncate, extend) until fsync or
//     fdatasync of that file;
//   - names (create, mkdir, unlink, rmdir, rename) until fsync of the
//     directory that holds them; a new file fsynced without its directory is
//     data without a name, and it is gone after a cut.
//
// SIGUSR1 cuts the power: from that instant every operation fails with EIO,
// nothing more becomes durable, and the memory layer is as good as gone (the
// next mount reads only BACKING). SIGUSR2 cuts it too, and tears: of each
// file's last unsynced write, a random subset of its 512-byte sectors reaches
// the durable state, as a disk may have written part of its cache. After a
// cut, fairly-cutfs prints "cut" on stdout; unmount it (fusermount3 -u) so the
// kernel's page cache goes too, and mount a fresh one over the same BACKING.
//
// An unmount without a cut is a clean shutdown: everything is made durable.
// Locks (flock, fcntl) stay in the kernel; statfs is BACKING's.

#define FUSE_USE_VERSION FUSE_MAKE_VERSION(3, 14)
#include <fuse3/fuse_lowlevel.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

constexpr off_t page_size = 4096;
constexpr off_t sector_size = 512;
constexpr double cache_seconds = 1.0;

volatile sig_atomic_t cut_requested = 0; // 1: cut, 2: cut and tear
volatile sig_atomic_t stop_requested = 0;

struct unsynced_write {
    off_t offset = 0;
    std::string bytes;
};

struct node {
    fuse_ino_t ino = 0;
    bool directory = false;
    mode_t mode = 0;
    uid_t uid = 0;
    gid_t gid = 0;
    nlink_t links = 0; // current names
    timespec atime{}, mtime{}, ctime{};

    // A file: the durable bytes are BACKING/data/<ino>, `durable_size` long;
    // bytes at or past `clip` read as zeros (a truncate not yet synced);
    // `pages` are the unsynced 4 KiB pages over them.
    off_t size = 0;
    off_t durable_size = 0;
    off_t clip = 0;
    std::unordered_map<off_t, std::string> pages;
    std::optional<unsynced_write> last_write;
    int data_fd = -1;

    // A directory: the names now, and the names that survive a cut.
    fuse_ino_t parent = FUSE_ROOT_ID;
    std::map<std::string, fuse_ino_t> entries;
    std::map<std::string, fuse_ino_t> durable_entries;
};

timespec now() {
    timespec t{};
    ::clock_gettime(CLOCK_REALTIME, &t);
    return t;
}

class cutfs {
public:
    cutfs(std::filesystem::path backing, unsigned seed) : backing_(std::move(backing)), random_(seed) {}

    void load();
    void sync_everything();
    void cut(bool tear);
    bool is_cut() const { return cut_; }

    // The operations, each answering its request.
    void lookup(fuse_req_t req, fuse_ino_t parent, const char* name);
    void getattr(fuse_req_t req, fuse_ino_t ino);
    void setattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set);
    void mkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode);
    void create(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, fuse_file_info* fi);
    void mknod(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode);
    void unlink(fuse_req_t req, fuse_ino_t parent, const char* name, bool directory);
    void rename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t new_parent, const char* new_name, unsigned flags);
    void open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
    void read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset);
    void write(fuse_req_t req, fuse_ino_t ino, const char* bytes, size_t size, off_t offset);
    void fsync(fuse_req_t req, fuse_ino_t ino);
    void opendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
    void readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, fuse_file_info* fi);
    void fsyncdir(fuse_req_t req, fuse_ino_t ino);
    void statfs(fuse_req_t req);

private:
    node* find(fuse_ino_t ino) {
        auto it = nodes_.find(ino);
        return it == nodes_.end() ? nullptr : it->second.get();
    }
    node& make_node(bool directory, mode_t mode, fuse_req_t req);
    /// A new regular file `name` in `parent` (its name not yet durable), or
    /// nullptr with the error already replied.
    node* new_file(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode);
    fuse_entry_param entry_of(const node& n) const;
    struct stat stat_of(const node& n) const;
    int data_fd(node& n);
    void read_durable(node& n, off_t offset, size_t length, char* into);
    std::string& page(node& n, off_t start);
    void resize(node& n, off_t size);
    int sync_file(node& n);
    void sync_directory(node& n);
    void write_meta();
    void tear(node& n);

    std::filesystem::path backing_;
    std::mt19937 random_;
    std::unordered_map<fuse_ino_t, std::unique_ptr<node>> nodes_;
    fuse_ino_t next_ino_ = FUSE_ROOT_ID + 1;
    bool cut_ = false;
};

std::filesystem::path data_path(const std::filesystem::path& backing, fuse_ino_t ino) { return backing / "data" / std::to_string(ino); }

// ---- the durable state in BACKING

void cutfs::load() {
    std::filesystem::create_directories(backing_ / "data");
    auto root = std::make_unique<node>();
    root->ino = FUSE_ROOT_ID;
    root->directory = true;
    root->mode = S_IFDIR | 0755;
    root->atime = root->mtime = root->ctime = now();
    nodes_[FUSE_ROOT_ID] = std::move(root);

    // meta: "node <ino> <mode> <uid> <gid>" and "entry <dir> <child> <name>".
    std::ifstream in(backing_ / "meta");
    std::vector<std::tuple<fuse_ino_t, fuse_ino_t, std::string>> entries;
    for (std::string line; std::getline(in, line);) {
        std::istringstream fields(line);
        std::string kind;
        fields >> kind;
        if (kind == "node") {
            auto n = std::make_unique<node>();
            unsigned long long ino = 0;
            unsigned mode = 0, uid = 0, gid = 0;
            fields >> ino >> mode >> uid >> gid;
            n->ino = ino;
            n->mode = mode;
            n->uid = uid;
            n->gid = gid;
            n->directory = S_ISDIR(n->mode);
            n->atime = n->mtime = n->ctime = now();
            next_ino_ = std::max<fuse_ino_t>(next_ino_, n->ino + 1);
            nodes_[n->ino] = std::move(n);
        } else if (kind == "entry") {
            unsigned long long dir = 0, child = 0;
            fields >> dir >> child;
            fields.get();
            std::string name;
            std::getline(fields, name);
            entries.emplace_back(dir, child, name);
        }
    }
    for (auto& [dir, child, name] : entries) {
        node* d = find(dir);
        node* c = find(child);
        if (!d || !c) continue;
        d->entries[name] = child;
        d->durable_entries[name] = child;
        if (c->directory) {
            c->parent = dir;
            ++d->links;
        } else {
            ++c->links;
        }
    }
    // Only what a name reaches survives; the rest (data synced without a
    // durable name, files unlinked for good) is dropped, data files and all.
    std::set<fuse_ino_t> reached{FUSE_ROOT_ID};
    std::vector<fuse_ino_t> todo{FUSE_ROOT_ID};
    while (!todo.empty()) {
        node* d = find(todo.back());
        todo.pop_back();
        for (auto& [name, child] : d->entries) {
            if (reached.insert(child).second && find(child)->directory) todo.push_back(child);
        }
    }
    for (auto it = nodes_.begin(); it != nodes_.end();) {
        if (!reached.count(it->first)) it = nodes_.erase(it);
        else ++it;
    }
    for (const auto& file : std::filesystem::directory_iterator(backing_ / "data")) {
        const fuse_ino_t ino = std::strtoull(file.path().filename().c_str(), nullptr, 10);
        node* n = find(ino);
        if (!n || n->directory) std::filesystem::remove(file.path());
        else next_ino_ = std::max<fuse_ino_t>(next_ino_, ino + 1);
    }
    for (auto& [ino, n] : nodes_) {
        if (n->directory) {
            n->links += 2; // its "." and its name (the root's "..")
            continue;
        }
        struct stat info {};
        if (::stat(data_path(backing_, ino).c_str(), &info) == 0) n->durable_size = info.st_size;
        n->size = n->clip = n->durable_size;
    }
    write_meta();
}

void cutfs::write_meta() {
    // The durable namespace: every durable entry, and the nodes they reach.
    std::ostringstream out;
    std::set<fuse_ino_t> reached{FUSE_ROOT_ID};
    std::vector<fuse_ino_t> todo{FUSE_ROOT_ID};
    std::ostringstream entries;
    while (!todo.empty()) {
        node* d = find(todo.back());
        todo.pop_back();
        for (auto& [name, child] : d->durable_entries) {
            entries << "entry " << d->ino << ' ' << child << ' ' << name << '\n';
            node* c = find(child);
            if (c && reached.insert(child).second && c->directory) todo.push_back(child);
        }
    }
    for (fuse_ino_t ino : reached) {
        if (ino == FUSE_ROOT_ID) continue;
        const node& n = *nodes_.at(ino);
        out << "node " << ino << ' ' << n.mode << ' ' << n.uid << ' ' << n.gid << '\n';
    }
    out << entries.str();
    // BACKING's own durability is not the test's business: the process that
    // holds it is never cut, so a plain replace is enough.
    const auto temporary = backing_ / "meta.tmp";
    {
        std::ofstream file(temporary, std::ios::trunc);
        file << out.str();
    }
    std::filesystem::rename(temporary, backing_ / "meta");
}

int cutfs::data_fd(node& n) {
    if (n.data_fd < 0) n.data_fd = ::open(data_path(backing_, n.ino).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    return n.data_fd;
}

void cutfs::read_durable(node& n, off_t offset, size_t length, char* into) {
    std::memset(into, 0, length);
    const off_t limit = std::min(n.durable_size, n.clip);
    if (offset >= limit) return;
    const size_t wanted = static_cast<size_t>(std::min<off_t>(static_cast<off_t>(length), limit - offset));
    size_t done = 0;
    while (done < wanted) {
        const ssize_t got = ::pread(data_fd(n), into + done, wanted - done, offset + static_cast<off_t>(done));
        if (got <= 0) break;
        done += static_cast<size_t>(got);
    }
}

std::string& cutfs::page(node& n, off_t start) {
    auto it = n.pages.find(start);
    if (it != n.pages.end()) return it->second;
    std::string bytes(static_cast<size_t>(page_size), '\0');
    read_durable(n, start, bytes.size(), bytes.data());
    return n.pages.emplace(start, std::move(bytes)).first->second;
}

void cutfs::resize(node& n, off_t size) {
    if (size < n.size) {
        n.clip = std::min(n.clip, size);
        for (auto it = n.pages.begin(); it != n.pages.end();) {
            if (it->first >= size) it = n.pages.erase(it);
            else ++it;
        }
        const off_t tail = size % page_size;
        if (auto it = n.pages.find(size - tail); tail != 0 && it != n.pages.end()) {
            std::fill(it->second.begin() + tail, it->second.end(), '\0');
        }
    }
    n.size = size;
}

int cutfs::sync_file(node& n) {
    if (n.directory) return 0;
    const int fd = data_fd(n);
    if (fd < 0) return EIO;
    if (n.clip < n.durable_size && ::ftruncate(fd, n.clip) != 0) return EIO;
    for (auto& [start, bytes] : n.pages) {
        const size_t length = static_cast<size_t>(std::min(page_size, n.size - start));
        if (::pwrite(fd, bytes.data(), length, start) != static_cast<ssize_t>(length)) return EIO;
    }
    if (::ftruncate(fd, n.size) != 0) return EIO;
    n.pages.clear();
    n.last_write.reset();
    n.durable_size = n.clip = n.size;
    return 0;
}

void cutfs::sync_directory(node& n) { n.durable_entries = n.entries; }

void cutfs::sync_everything() {
    for (auto& [ino, n] : nodes_) {
        sync_file(*n);
        sync_directory(*n);
    }
    write_meta();
}

void cutfs::tear(node& n) {
    if (!n.last_write || n.last_write->bytes.empty()) return;
    const unsynced_write& w = *n.last_write;
    const off_t end = w.offset + static_cast<off_t>(w.bytes.size());
    std::vector<off_t> sectors;
    for (off_t s = w.offset - w.offset % sector_size; s < end; s += sector_size) sectors.push_back(s);
    // A random subset of the sectors, and for a write of two or more never
    // all and never none: a tear that keeps only part.
    std::vector<bool> keep(sectors.size());
    do {
        for (size_t i = 0; i < keep.size(); ++i) keep[i] = (random_() & 1U) != 0;
    } while (keep.size() >= 2 && (std::count(keep.begin(), keep.end(), true) == 0 ||
                                  std::count(keep.begin(), keep.end(), true) == static_cast<long>(keep.size())));
    const int fd = data_fd(n);
    for (size_t i = 0; i < sectors.size(); ++i) {
        if (!keep[i]) continue;
        const off_t from = std::max(sectors[i], w.offset);
        const off_t to = std::min(sectors[i] + sector_size, end);
        if (::pwrite(fd, w.bytes.data() + (from - w.offset), static_cast<size_t>(to - from), from) < 0) continue;
    }
    std::cerr << "fairly-cutfs: tore inode " << n.ino << " at " << w.offset << " (" << w.bytes.size() << " bytes, "
              << std::count(keep.begin(), keep.end(), true) << " of " << keep.size() << " sectors kept)\n";
}

void cutfs::cut(bool tear_writes) {
    if (cut_) return;
    cut_ = true; // from here on, every operation fails: nothing more becomes durable
    if (tear_writes) {
        for (auto& [ino, n] : nodes_) tear(*n);
    }
    std::cout << "cut" << std::endl;
}

// ---- the operations

node& cutfs::make_node(bool directory, mode_t mode, fuse_req_t req) {
    auto n = std::make_unique<node>();
    n->ino = next_ino_++;
    n->directory = directory;
    n->mode = mode;
    const fuse_ctx* ctx = fuse_req_ctx(req);
    n->uid = ctx->uid;
    n->gid = ctx->gid;
    n->atime = n->mtime = n->ctime = now();
    node& made = *n;
    nodes_[made.ino] = std::move(n);
    if (!directory) {
        // Its (empty) durable data exists from the start; without a durable
        // name it is dropped at the next mount.
        if (data_fd(made) < 0 || ::ftruncate(made.data_fd, 0) != 0) {}
    }
    return made;
}

struct stat cutfs::stat_of(const node& n) const {
    struct stat st {};
    st.st_ino = n.ino;
    st.st_mode = n.mode;
    st.st_nlink = n.links;
    st.st_uid = n.uid;
    st.st_gid = n.gid;
    st.st_size = n.directory ? 4096 : n.size;
    st.st_blksize = page_size;
    st.st_blocks = (st.st_size + 511) / 512;
    st.st_atim = n.atime;
    st.st_mtim = n.mtime;
    st.st_ctim = n.ctime;
    return st;
}

fuse_entry_param cutfs::entry_of(const node& n) const {
    fuse_entry_param e{};
    e.ino = n.ino;
    e.generation = 1;
    e.attr = stat_of(n);
    e.attr_timeout = cache_seconds;
    e.entry_timeout = cache_seconds;
    return e;
}

void cutfs::lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
    node* d = find(parent);
    if (!d || !d->directory) return (void)fuse_reply_err(req, ENOTDIR);
    auto it = d->entries.find(name);
    if (it == d->entries.end()) return (void)fuse_reply_err(req, ENOENT);
    const fuse_entry_param e = entry_of(*find(it->second));
    fuse_reply_entry(req, &e);
}

void cutfs::getattr(fuse_req_t req, fuse_ino_t ino) {
    node* n = find(ino);
    if (!n) return (void)fuse_reply_err(req, ENOENT);
    const struct stat st = stat_of(*n);
    fuse_reply_attr(req, &st, cache_seconds);
}

void cutfs::setattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set) {
    node* n = find(ino);
    if (!n) return (void)fuse_reply_err(req, ENOENT);
    if (to_set & FUSE_SET_ATTR_MODE) n->mode = (n->mode & S_IFMT) | (attr->st_mode & 07777);
    if (to_set & FUSE_SET_ATTR_UID) n->uid = attr->st_uid;
    if (to_set & FUSE_SET_ATTR_GID) n->gid = attr->st_gid;
    if (to_set & FUSE_SET_ATTR_SIZE) {
        if (n->directory) return (void)fuse_reply_err(req, EISDIR);
        resize(*n, attr->st_size);
        n->mtime = now();
    }
    if (to_set & FUSE_SET_ATTR_ATIME) n->atime = attr->st_atim;
    if (to_set & FUSE_SET_ATTR_MTIME) n->mtime = attr->st_mtim;
    if (to_set & FUSE_SET_ATTR_ATIME_NOW) n->atime = now();
    if (to_set & FUSE_SET_ATTR_MTIME_NOW) n->mtime = now();
    n->ctime = now();
    const struct stat st = stat_of(*n);
    fuse_reply_attr(req, &st, cache_seconds);
}

void cutfs::mkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode) {
    node* d = find(parent);
    if (!d || !d->directory) return (void)fuse_reply_err(req, ENOTDIR);
    if (d->entries.count(name)) return (void)fuse_reply_err(req, EEXIST);
    if (std::strchr(name, '\n')) return (void)fuse_reply_err(req, EINVAL);
    node& n = make_node(true, S_IFDIR | (mode & 07777), req);
    n.parent = parent;
    n.links = 2;
    d->entries[name] = n.ino;
    ++d->links;
    d->mtime = d->ctime = now();
    const fuse_entry_param e = entry_of(n);
    fuse_reply_entry(req, &e);
}

node* cutfs::new_file(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode) {
    node* d = find(parent);
    if (!d || !d->directory) return fuse_reply_err(req, ENOTDIR), nullptr;
    if (d->entries.count(name)) return fuse_reply_err(req, EEXIST), nullptr;
    if (std::strchr(name, '\n')) return fuse_reply_err(req, EINVAL), nullptr;
    node& n = make_node(false, S_IFREG | (mode & 07777), req);
    n.links = 1;
    d->entries[name] = n.ino;
    d->mtime = d->ctime = now();
    return &n;
}

void cutfs::mknod(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode) {
    if (!S_ISREG(mode)) return (void)fuse_reply_err(req, EPERM);
    node* n = new_file(req, parent, name, mode);
    if (!n) return;
    const fuse_entry_param e = entry_of(*n);
    fuse_reply_entry(req, &e);
}

void cutfs::create(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, fuse_file_info* fi) {
    node* created = new_file(req, parent, name, mode);
    if (!created) return;
    node& n = *created;
    fi->direct_io = 0;
    fi->keep_cache = 0;
    const fuse_entry_param e = entry_of(n);
    fuse_reply_create(req, &e, fi);
}

void cutfs::unlink(fuse_req_t req, fuse_ino_t parent, const char* name, bool directory) {
    node* d = find(parent);
    if (!d || !d->directory) return (void)fuse_reply_err(req, ENOTDIR);
    auto it = d->entries.find(name);
    if (it == d->entries.end()) return (void)fuse_reply_err(req, ENOENT);
    node* n = find(it->second);
    if (directory && !n->directory) return (void)fuse_reply_err(req, ENOTDIR);
    if (!directory && n->directory) return (void)fuse_reply_err(req, EISDIR);
    if (directory && !n->entries.empty()) return (void)fuse_reply_err(req, ENOTEMPTY);
    d->entries.erase(it);
    if (directory) {
        --d->links;
        n->links = 0;
    } else {
        --n->links;
    }
    d->mtime = d->ctime = n->ctime = now();
    fuse_reply_err(req, 0);
}

void cutfs::rename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t new_parent, const char* new_name, unsigned flags) {
    if (flags & RENAME_EXCHANGE) return (void)fuse_reply_err(req, EINVAL);
    node* from = find(parent);
    node* to = find(new_parent);
    if (!from || !to || !from->directory || !to->directory) return (void)fuse_reply_err(req, ENOTDIR);
    if (std::strchr(new_name, '\n')) return (void)fuse_reply_err(req, EINVAL);
    auto it = from->entries.find(name);
    if (it == from->entries.end()) return (void)fuse_reply_err(req, ENOENT);
    node* moving = find(it->second);
    if (auto old = to->entries.find(new_name); old != to->entries.end()) {
        if (flags & RENAME_NOREPLACE) return (void)fuse_reply_err(req, EEXIST);
        node* replaced = find(old->second);
        if (replaced == moving) return (void)fuse_reply_err(req, 0);
        if (replaced->directory != moving->directory) return (void)fuse_reply_err(req, replaced->directory ? EISDIR : ENOTDIR);
        if (replaced->directory && !replaced->entries.empty()) return (void)fuse_reply_err(req, ENOTEMPTY);
        if (replaced->directory) {
            replaced->links = 0;
            --to->links;
        } else {
            --replaced->links;
        }
        replaced->ctime = now();
    }
    from->entries.erase(std::string(name));
    to->entries[new_name] = moving->ino;
    if (moving->directory && from != to) {
        --from->links;
        ++to->links;
        moving->parent = new_parent;
    }
    from->mtime = from->ctime = to->mtime = to->ctime = moving->ctime = now();
    fuse_reply_err(req, 0);
}

void cutfs::open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
    node* n = find(ino);
    if (!n) return (void)fuse_reply_err(req, ENOENT);
    if (n->directory) return (void)fuse_reply_err(req, EISDIR);
    fi->direct_io = 0; // SQLite maps the -shm file
    fi->keep_cache = 0;
    fuse_reply_open(req, fi);
}

void cutfs::read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset) {
    node* n = find(ino);
    if (!n) return (void)fuse_reply_err(req, ENOENT);
    if (offset >= n->size) return (void)fuse_reply_buf(req, nullptr, 0);
    const size_t length = static_cast<size_t>(std::min<off_t>(static_cast<off_t>(size), n->size - offset));
    std::string out(length, '\0');
    for (off_t at = offset; at < offset + static_cast<off_t>(length);) {
        const off_t start = at - at % page_size;
        const off_t until = std::min(start + page_size, offset + static_cast<off_t>(length));
        char* into = out.data() + (at - offset);
        if (auto it = n->pages.find(start); it != n->pages.end()) std::memcpy(into, it->second.data() + (at - start), static_cast<size_t>(until - at));
        else read_durable(*n, at, static_cast<size_t>(until - at), into);
        at = until;
    }
    n->atime = now();
    fuse_reply_buf(req, out.data(), out.size());
}

void cutfs::write(fuse_req_t req, fuse_ino_t ino, const char* bytes, size_t size, off_t offset) {
    node* n = find(ino);
    if (!n) return (void)fuse_reply_err(req, ENOENT);
    if (n->directory) return (void)fuse_reply_err(req, EISDIR);
    const off_t end = offset + static_cast<off_t>(size);
    for (off_t at = offset; at < end;) {
        const off_t start = at - at % page_size;
        const off_t until = std::min(start + page_size, end);
        std::memcpy(page(*n, start).data() + (at - start), bytes + (at - offset), static_cast<size_t>(until - at));
        at = until;
    }
    n->size = std::max(n->size, end);
    n->last_write = unsynced_write{offset, std::string(bytes, size)};
    n->mtime = n->ctime = now();
    fuse_reply_write(req, size);
}

void cutfs::fsync(fuse_req_t req, fuse_ino_t ino) {
    // fsync and fdatasync alike: the data, the size and the attributes (not
    // the name: that is the directory's).
    node* n = find(ino);
    if (!n) return (void)fuse_reply_err(req, ENOENT);
    fuse_reply_err(req, sync_file(*n));
}

struct listing {
    std::vector<std::pair<std::string, struct stat>> entries;
};

void cutfs::opendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
    node* d = find(ino);
    if (!d) return (void)fuse_reply_err(req, ENOENT);
    if (!d->directory) return (void)fuse_reply_err(req, ENOTDIR);
    auto list = std::make_unique<listing>();
    list->entries.emplace_back(".", stat_of(*d));
    list->entries.emplace_back("..", stat_of(*find(d->parent)));
    for (auto& [name, child] : d->entries) list->entries.emplace_back(name, stat_of(*find(child)));
    fi->fh = reinterpret_cast<uint64_t>(list.release());
    fuse_reply_open(req, fi);
}

void cutfs::readdir(fuse_req_t req, fuse_ino_t, size_t size, off_t offset, fuse_file_info* fi) {
    auto* list = reinterpret_cast<listing*>(fi->fh);
    std::string out(size, '\0');
    size_t used = 0;
    for (size_t i = static_cast<size_t>(offset); i < list->entries.size(); ++i) {
        const auto& [name, st] = list->entries[i];
        const size_t need = fuse_add_direntry(req, out.data() + used, size - used, name.c_str(), &st, static_cast<off_t>(i + 1));
        if (need > size - used) break;
        used += need;
    }
    fuse_reply_buf(req, out.data(), used);
}

void cutfs::fsyncdir(fuse_req_t req, fuse_ino_t ino) {
    node* d = find(ino);
    if (!d) return (void)fuse_reply_err(req, ENOENT);
    sync_directory(*d);
    write_meta();
    fuse_reply_err(req, 0);
}

void cutfs::statfs(fuse_req_t req) {
    struct statvfs st {};
    if (::statvfs(backing_.c_str(), &st) != 0) return (void)fuse_reply_err(req, errno);
    fuse_reply_statfs(req, &st);
}

// ---- the table libfuse calls: after a cut, everything fails

cutfs& fs(fuse_req_t req) { return *static_cast<cutfs*>(fuse_req_userdata(req)); }

bool refused(fuse_req_t req) {
    if (!fs(req).is_cut()) return false;
    fuse_reply_err(req, EIO);
    return true;
}

fuse_lowlevel_ops operations() {
    fuse_lowlevel_ops ops{};
    ops.init = [](void*, fuse_conn_info* conn) {
        conn->want &= ~static_cast<unsigned>(FUSE_CAP_WRITEBACK_CACHE); // every write reaches us at once
    };
    ops.lookup = [](fuse_req_t req, fuse_ino_t parent, const char* name) {
        if (!refused(req)) fs(req).lookup(req, parent, name);
    };
    ops.getattr = [](fuse_req_t req, fuse_ino_t ino, fuse_file_info*) {
        if (!refused(req)) fs(req).getattr(req, ino);
    };
    ops.setattr = [](fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info*) {
        if (!refused(req)) fs(req).setattr(req, ino, attr, to_set);
    };
    ops.mknod = [](fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, dev_t) {
        if (!refused(req)) fs(req).mknod(req, parent, name, mode);
    };
    ops.mkdir = [](fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode) {
        if (!refused(req)) fs(req).mkdir(req, parent, name, mode);
    };
    ops.unlink = [](fuse_req_t req, fuse_ino_t parent, const char* name) {
        if (!refused(req)) fs(req).unlink(req, parent, name, false);
    };
    ops.rmdir = [](fuse_req_t req, fuse_ino_t parent, const char* name) {
        if (!refused(req)) fs(req).unlink(req, parent, name, true);
    };
    ops.link = [](fuse_req_t req, fuse_ino_t, fuse_ino_t, const char*) { fuse_reply_err(req, EPERM); };
    ops.symlink = [](fuse_req_t req, const char*, fuse_ino_t, const char*) { fuse_reply_err(req, EPERM); };
    ops.rename = [](fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t new_parent, const char* new_name, unsigned flags) {
        if (!refused(req)) fs(req).rename(req, parent, name, new_parent, new_name, flags);
    };
    ops.open = [](fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
        if (!refused(req)) fs(req).open(req, ino, fi);
    };
    ops.create = [](fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, fuse_file_info* fi) {
        if (!refused(req)) fs(req).create(req, parent, name, mode, fi);
    };
    ops.read = [](fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, fuse_file_info*) {
        if (!refused(req)) fs(req).read(req, ino, size, offset);
    };
    ops.write = [](fuse_req_t req, fuse_ino_t ino, const char* bytes, size_t size, off_t offset, fuse_file_info*) {
        if (!refused(req)) fs(req).write(req, ino, bytes, size, offset);
    };
    ops.flush = [](fuse_req_t req, fuse_ino_t, fuse_file_info*) {
        if (!refused(req)) fuse_reply_err(req, 0);
    };
    ops.release = [](fuse_req_t req, fuse_ino_t, fuse_file_info*) { fuse_reply_err(req, 0); };
    ops.fsync = [](fuse_req_t req, fuse_ino_t ino, int, fuse_file_info*) {
        if (!refused(req)) fs(req).fsync(req, ino);
    };
    ops.opendir = [](fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
        if (!refused(req)) fs(req).opendir(req, ino, fi);
    };
    ops.readdir = [](fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, fuse_file_info* fi) {
        if (!refused(req)) fs(req).readdir(req, ino, size, offset, fi);
    };
    ops.releasedir = [](fuse_req_t req, fuse_ino_t, fuse_file_info* fi) {
        delete reinterpret_cast<listing*>(fi->fh);
        fuse_reply_err(req, 0);
    };
    ops.fsyncdir = [](fuse_req_t req, fuse_ino_t ino, int, fuse_file_info*) {
        if (!refused(req)) fs(req).fsyncdir(req, ino);
    };
    ops.statfs = [](fuse_req_t req, fuse_ino_t) {
        if (!refused(req)) fs(req).statfs(req);
    };
    return ops;
}

void on_signal(int signal) {
    if (signal == SIGUSR1 && !cut_requested) cut_requested = 1;
    else if (signal == SIGUSR2 && !cut_requested) cut_requested = 2;
    else if (signal == SIGTERM || signal == SIGINT || signal == SIGHUP) stop_requested = 1;
}

int usage() {
    std::cerr << "usage: fairly-cutfs [--seed N] BACKING MOUNTPOINT\n"
                 "  SIGUSR1 cuts the power, SIGUSR2 cuts it and tears each file's last unsynced write;\n"
                 "  then unmount (fusermount3 -u MOUNTPOINT) and mount afresh over BACKING.\n";
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    unsigned seed = std::random_device{}();
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--seed" && i + 1 < argc) seed = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
        else if (arg == "-h" || arg == "--help") return usage(), 0;
        else positional.push_back(arg);
    }
    if (positional.size() != 2) return usage();
    std::cerr << "fairly-cutfs: seed " << seed << "\n";

    cutfs filesystem(positional[0], seed);
    try {
        filesystem.load();
    } catch (const std::exception& e) {
        std::cerr << "fairly-cutfs: cannot load " << positional[0] << ": " << e.what() << "\n";
        return 1;
    }

    // The signals are blocked except while waiting for a request, so a cut
    // always falls between two requests and is never missed.
    sigset_t blocked, waiting;
    sigemptyset(&blocked);
    for (int signal : {SIGUSR1, SIGUSR2, SIGTERM, SIGINT, SIGHUP}) {
        struct sigaction action {};
        action.sa_handler = on_signal;
        ::sigaction(signal, &action, nullptr);
        sigaddset(&blocked, signal);
    }
    ::sigprocmask(SIG_BLOCK, &blocked, &waiting);
    for (int signal : {SIGUSR1, SIGUSR2, SIGTERM, SIGINT, SIGHUP}) sigdelset(&waiting, signal);

    std::vector<std::string> options{argv[0], "-o", "fsname=fairly-cutfs,subtype=cutfs,auto_unmount"};
    std::vector<char*> option_pointers;
    for (auto& option : options) option_pointers.push_back(option.data());
    fuse_args args = FUSE_ARGS_INIT(static_cast<int>(option_pointers.size()), option_pointers.data());
    const fuse_lowlevel_ops ops = operations();
    fuse_session* session = fuse_session_new(&args, &ops, sizeof ops, &filesystem);
    if (!session) return 1;
    if (fuse_session_mount(session, positional[1].c_str()) != 0) {
        std::cerr << "fairly-cutfs: cannot mount " << positional[1] << "\n";
        fuse_session_destroy(session);
        return 3;
    }
    std::cout << "ready" << std::endl;

    fuse_buf buffer{};
    pollfd request{fuse_session_fd(session), POLLIN, 0};
    while (!fuse_session_exited(session)) {
        const int ready = ::ppoll(&request, 1, nullptr, &waiting);
        if (cut_requested && !filesystem.is_cut()) filesystem.cut(cut_requested == 2);
        if (stop_requested) break;
        if (ready < 0) {
            if (errno == EINTR) continue;
            break;
        }
        const int got = fuse_session_receive_buf(session, &buffer);
        if (got == -EINTR || got == -EAGAIN) continue;
        if (got <= 0) break;
        fuse_session_process_buf(session, &buffer);
    }
    std::free(buffer.mem);
    // Unmounted without a cut: a clean shutdown, everything durable.
    if (!filesystem.is_cut()) filesystem.sync_everything();
    fuse_session_unmount(session);
    fuse_session_destroy(session);
    return 0;
}
