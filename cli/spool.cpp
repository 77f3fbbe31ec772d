#include "spool.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace fairly::cli {
namespace {

/// An exclusive flock on the spool's lock file, so two fairly processes
/// never append and rewrite at once.
class spool_lock {
public:
    explicit spool_lock(const std::filesystem::path& path) {
        fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd_ < 0) throw fairly::error("cannot open " + path.string() + ": " + std::strerror(errno));
        while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {}
    }
    ~spool_lock() { ::close(fd_); }
    spool_lock(const spool_lock&) = delete;
    spool_lock& operator=(const spool_lock&) = delete;

private:
    int fd_ = -1;
};

void write_durably(const std::filesystem::path& path, std::string_view bytes, int flags) {
    int fd = ::open(path.c_str(), flags | O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) throw fairly::error("cannot write " + path.string() + ": " + std::strerror(errno));
    while (!bytes.empty()) {
        ssize_t written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0) {
            if (errno == EINTR) continue;
            const int error = errno;
            ::close(fd);
            throw fairly::error("cannot write " + path.string() + ": " + std::strerror(error));
        }
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    if (::fsync(fd) != 0) {
        const int error = errno;
        ::close(fd);
        throw fairly::error("cannot sync " + path.string() + ": " + std::strerror(error));
    }
    ::close(fd);
}

bool ends_mid_line(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat info {};
    char last = '\n';
    if (::fstat(fd, &info) == 0 && info.st_size > 0 && ::pread(fd, &last, 1, info.st_size - 1) != 1) last = '\n';
    ::close(fd);
    return last != '\n';
}

/// fsync a directory, so the names in it (a new file, a rename) survive a
/// power cut, not only the files' bytes.
void sync_directory(const std::filesystem::path& directory) {
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw fairly::error("cannot open " + directory.string() + ": " + std::strerror(errno));
    if (::fsync(fd) != 0) {
        const int error = errno;
        ::close(fd);
        throw fairly::error("cannot sync " + directory.string() + ": " + std::strerror(error));
    }
    ::close(fd);
}

/// create_directories, each directory it makes recorded durably in its
/// parent: a spool in a directory that a power cut takes away is no spool.
void make_directories_durably(const std::filesystem::path& directory) {
    std::error_code ec;
    if (directory.empty() || std::filesystem::is_directory(directory, ec)) return;
    const std::filesystem::path parent = directory.has_parent_path() ? directory.parent_path() : std::filesystem::path(".");
    if (parent != directory) make_directories_durably(parent);
    if (std::filesystem::create_directory(directory, ec)) sync_directory(parent);
    else if (ec) throw fairly::error("cannot create " + directory.string() + ": " + ec.message());
}

} // namespace

spool::spool(std::filesystem::path directory) : directory_(std::move(directory)) {}

bool spool::has_entries() const {
    struct stat info {};
    return ::stat(file().c_str(), &info) == 0 && info.st_size > 0;
}

void spool::append(const json& request) {
    make_directories_durably(directory_);
    spool_lock lock(directory_ / "spool.lock");
    // A power cut can leave the end of an unsynced append behind, a line
    // without its newline: start on a line of our own, or this entry would
    // join that damaged line and be refused with it.
    const std::string line = rpc::to_line(request);
    write_durably(file(), ends_mid_line(file()) ? "\n" + line : line, O_APPEND);
    // The spool file's name may be new (the first entry, or the file a
    // flush renamed into place): fsync of the file does not keep a name.
    sync_directory(directory_);
}

std::size_t spool::flush(client& connection, std::ostream& err) {
    spool_lock lock(directory_ / "spool.lock");
    std::ifstream in(file());
    std::vector<json> requests;
    std::string rejected;
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        json request = json::parse(line, nullptr, false);
        if (request.is_discarded()) {
            rejected += rpc::to_line(json{{"request_text", line}, {"reason", "not valid JSON (damaged spool line)"}});
            continue;
        }
        requests.push_back(std::move(request));
    }
    in.close();

    std::size_t sent = 0;
    std::vector<json> remaining;
    try {
        std::vector<json> replies = connection.call_many(requests);
        for (std::size_t i = 0; i < replies.size(); ++i) {
            ++sent;
            if (auto error = replies[i].find("error"); error != replies[i].end()) {
                const auto code = static_cast<rpc::error_code>(error->value("code", 0));
                if (code == rpc::error_code::storage_error || code == rpc::error_code::busy || code == rpc::error_code::internal_error) {
                    remaining.push_back(requests[i]); // the daemon's trouble, not the entry's: try again later
                    --sent;
                    continue;
                }
                const std::string reason = error->value("message", std::string("rejected"));
                err << "fairly: a spooled entry was refused by fairlyd: " << reason << " (kept in " << rejected_file().string() << ")\n";
                rejected += rpc::to_line(json{{"request", requests[i]}, {"reason", reason}});
            }
        }
    } catch (const unreachable&) {
        remaining.assign(requests.begin() + static_cast<std::ptrdiff_t>(sent), requests.end());
    }

    if (!rejected.empty()) write_durably(rejected_file(), rejected, O_APPEND);
    std::string rest;
    for (const json& request : remaining) rest += rpc::to_line(request);
    const auto temporary = directory_ / "spool.jsonl.tmp";
    write_durably(temporary, rest, O_TRUNC);
    std::filesystem::rename(temporary, file());
    sync_directory(directory_); // the rename, and a new rejected file: or a cut brings back the old spool
    if (sent > 0) err << "fairly: sent " << sent << " spooled " << (sent == 1 ? "entry" : "entries") << " to fairlyd\n";
    return sent;
}

} // namespace fairly::cli
