using System.Runtime.InteropServices;

namespace Backprop.Distributed;

/// <summary>
/// The few entry points of the system's Open MPI 4.x (<c>libmpi.so.40</c>) that
/// <see cref="MpiCommunicator"/> calls, found at run time (nothing native ships with the
/// library). Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, …) are the addresses of
/// exported globals (<c>ompi_mpi_comm_world</c>, …); MPI_IN_PLACE is 1 and MPI_STATUS_IGNORE 0.
/// </summary>
internal static unsafe class MpiNative
{
    /// <summary>The libraries tried, in order.</summary>
    public static readonly string[] LibraryNames = ["libmpi.so.40", "libmpi.so"];

    /// <summary>MPI_THREAD_SERIALIZED: any thread may call MPI, one at a time.</summary>
    public const int ThreadSerialized = 2;

    /// <summary>MPI_THREAD_MULTIPLE.</summary>
    public const int ThreadMultiple = 3;

    /// <summary>Open MPI's MPI_IN_PLACE.</summary>
    public static readonly void* InPlace = (void*)1;

    public static delegate* unmanaged<int*, byte***, int, int*, int> InitThread;
    public static delegate* unmanaged<int*, int> Initialized;
    public static delegate* unmanaged<int*, int> Finalized;
    public static delegate* unmanaged<int> Finalize;
    public static delegate* unmanaged<nint, int*, int> CommRank;
    public static delegate* unmanaged<nint, int*, int> CommSize;
    public static delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int> Iallreduce;
    public static delegate* unmanaged<void*, int, nint, int, nint, nint*, int> Ibcast;
    public static delegate* unmanaged<void*, int, nint, void*, int, nint, nint, nint*, int> Iallgather;
    public static delegate* unmanaged<nint, nint*, int> Ibarrier;
    public static delegate* unmanaged<nint*, int*, void*, int> Test;
    public static delegate* unmanaged<nint, int, int> Abort;

    public static nint CommWorld, Float, Double, Int64, OpSum, OpMax;

    private static nint _library;

    /// <summary>Loads the library and binds every entry point once; false (with why) when it is not installed.</summary>
    public static bool TryLoad(out string? problem)
    {
        problem = null;
        if (_library != 0) return true;
        nint library = 0;
        foreach (string name in LibraryNames)
        {
            if (NativeLibrary.TryLoad(name, out library)) break;
        }
        if (library == 0)
        {
            problem = "MPI: Open MPI's libmpi.so.40 was not found; install Open MPI (Debian: apt-get install openmpi-bin) and start the ranks with mpirun";
            return false;
        }
        try
        {
            InitThread = (delegate* unmanaged<int*, byte***, int, int*, int>)Export(library, "MPI_Init_thread");
            Initialized = (delegate* unmanaged<int*, int>)Export(library, "MPI_Initialized");
            Finalized = (delegate* unmanaged<int*, int>)Export(library, "MPI_Finalized");
            Finalize = (delegate* unmanaged<int>)Export(library, "MPI_Finalize");
            CommRank = (delegate* unmanaged<nint, int*, int>)Export(library, "MPI_Comm_rank");
            CommSize = (delegate* unmanaged<nint, int*, int>)Export(library, "MPI_Comm_size");
            Iallreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int>)Export(library, "MPI_Iallreduce");
            Ibcast = (delegate* unmanaged<void*, int, nint, int, nint, nint*, int>)Export(library, "MPI_Ibcast");
            Iallgather = (delegate* unmanaged<void*, int, nint, void*, int, nint, nint, nint*, int>)Export(library, "MPI_Iallgather");
            Ibarrier = (delegate* unmanaged<nint, nint*, int>)Export(library, "MPI_Ibarrier");
            Test = (delegate* unmanaged<nint*, int*, void*, int>)Export(library, "MPI_Test");
            Abort = (delegate* unmanaged<nint, int, int>)Export(library, "MPI_Abort");
            CommWorld = Export(library, "ompi_mpi_comm_world");
            Float = Export(library, "ompi_mpi_float");
            Double = Export(library, "ompi_mpi_double");
            Int64 = Export(library, "ompi_mpi_int64_t");
            OpSum = Export(library, "ompi_mpi_op_sum");
            OpMax = Export(library, "ompi_mpi_op_max");
        }
        catch (EntryPointNotFoundException e)
        {
            problem = $"MPI: the libmpi found is not Open MPI 4.x ({e.Message})";
            return false;
        }
        _library = library;
        return true;
    }

    private static nint Export(nint library, string name) => NativeLibrary.GetExport(library, name);
}
